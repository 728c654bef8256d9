package entropic

import "sync"

// Task kinds of the worker pool.
const (
	taskRows = iota
	taskCols
	taskPlan
)

// task is one contiguous block of rows or columns. It travels by value over
// a channel, so handing out work allocates nothing.
type task struct {
	kind   int
	lo, hi int
}

// pool is a fixed set of goroutines, alive for one Sinkhorn run, that
// execute the row, column and plan passes block by block. Which goroutine
// runs a block does not affect the result: every row and column is computed
// by the same sequential code, and the reductions across rows and columns
// (marginal error, dual objective) are done afterwards in index order by
// the caller.
type pool struct {
	s        *solver
	tasks    chan task
	wg       sync.WaitGroup
	rowChunk int
}

func newPool(s *solver, workers int) *pool {
	p := &pool{s: s, tasks: make(chan task, 4*workers)}
	// About four blocks per worker for load balance, at least 8 rows each.
	p.rowChunk = max(8, (s.n+4*workers-1)/(4*workers))
	for range workers {
		go p.work()
	}
	return p
}

func (p *pool) work() {
	sc := newColScratch()
	for t := range p.tasks {
		switch t.kind {
		case taskRows:
			p.s.rowRange(t.lo, t.hi)
		case taskCols:
			p.s.colRange(t.lo, t.hi, &sc)
		case taskPlan:
			p.s.planRange(t.lo, t.hi)
		}
		p.wg.Done()
	}
}

// run splits [0, total) into blocks of size chunk, hands them to the
// workers and waits for all of them.
func (p *pool) run(kind, total, chunk int) {
	nb := (total + chunk - 1) / chunk
	p.wg.Add(nb)
	for lo := 0; lo < total; lo += chunk {
		p.tasks <- task{kind: kind, lo: lo, hi: min(total, lo+chunk)}
	}
	p.wg.Wait()
}

func (p *pool) close() { close(p.tasks) }
