package entropic

import "sync"

// Task kinds of the worker pool.
const (
	taskRows = iota
	taskCols
	taskPlan
)

// task is one contiguous block of rows or columns of one solver's pass. It
// travels by value over a channel, so handing out work allocates nothing.
type task struct {
	s      *solver
	kind   int
	lo, hi int
}

// maxPoolWorkers caps the number of shared worker goroutines (and so the
// parallelism of one pass, whatever Options.Workers asks for).
const maxPoolWorkers = 256

// workers is the set of worker goroutines shared by every solve of the
// process: started on demand, parked on the task channel when idle (no
// CPU), never stopped. It grows to the largest total of Options.Workers
// over the solves running at one time (capped at maxPoolWorkers), so each
// solve has as many goroutines as it asked for, as if it had started its
// own.
//
// Why shared and not one set per solve: a solve that started its own
// goroutines and closed their channel at the end left them to exit
// asynchronously, and whether the runtime had reclaimed their descriptors
// by the time the next solve started goroutines depended on scheduling, so
// that solve sometimes allocated new goroutine descriptors (and their
// wait-queue entries) and sometimes did not — the flaky extra allocation of
// TestIterationAllocFree/parallel. With shared workers a solve allocates
// the same whatever the scheduling, and none of it per iteration.
//
// Which goroutine runs a block does not affect the result: every row and
// column is computed by the same sequential code into its own entries, and
// the reductions across rows and columns (marginal error, dual objective)
// are done afterwards in index order by the calling goroutine.
var workers struct {
	mu      sync.Mutex
	started int // goroutines started
	demand  int // Σ workers of the solves in progress
	tasks   chan task
}

// acquireWorkers registers a solve that wants k goroutines and starts
// shared workers until there are enough for every solve in progress.
func acquireWorkers(k int) {
	workers.mu.Lock()
	defer workers.mu.Unlock()
	if workers.tasks == nil {
		workers.tasks = make(chan task, 4*maxPoolWorkers)
	}
	workers.demand += k
	for want := min(workers.demand, maxPoolWorkers); workers.started < want; workers.started++ {
		go work(workers.tasks)
	}
}

// releaseWorkers is the counterpart of acquireWorkers at the end of a
// solve (the goroutines stay, parked, for later solves).
func releaseWorkers(k int) {
	workers.mu.Lock()
	workers.demand -= k
	workers.mu.Unlock()
}

func work(tasks <-chan task) {
	for t := range tasks {
		s := t.s
		switch t.kind {
		case taskRows:
			s.rowRange(t.lo, t.hi)
		case taskCols:
			s.colRange(t.lo, t.hi)
		case taskPlan:
			s.planRange(t.lo, t.hi)
		}
		s.wg.Done()
	}
}

// pool is one solve's view of the shared workers.
type pool struct {
	workers  int
	rowChunk int
}

func newPool(s *solver, workers int) *pool {
	workers = min(workers, maxPoolWorkers)
	acquireWorkers(workers)
	// About four blocks per worker for load balance, at least 8 rows each.
	return &pool{workers: workers, rowChunk: max(8, (s.n+4*workers-1)/(4*workers))}
}

// run splits [0, total) into blocks of size chunk, hands them to the
// shared workers and waits until all of them are done.
func (s *solver) run(kind, total, chunk int) {
	nb := (total + chunk - 1) / chunk
	s.wg.Add(nb)
	for lo := 0; lo < total; lo += chunk {
		workers.tasks <- task{s: s, kind: kind, lo: lo, hi: min(total, lo+chunk)}
	}
	s.wg.Wait()
}

func (p *pool) close() { releaseWorkers(p.workers) }
