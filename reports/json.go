package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
)

// jsonIndentDepth is the nesting depth up to which WriteJSON indents: the
// report's skeleton (report → claims → result → counterexample → calls →
// call, and findings) is indented as by json.MarshalIndent with two spaces,
// and every value nested deeper (recorded arguments and results, inputs,
// Finding.Args) is written compactly, as json.Marshal writes it.
const jsonIndentDepth = 6

// WriteJSON writes the report as JSON, indented two spaces per level down
// to 6 levels of nesting (jsonIndentDepth: the report's skeleton) and
// compact below (output identical to json.MarshalIndent(r, "", "  ") for a
// report no deeper than that).
// Indenting every level made the output grow with the square of the nesting
// depth of a recorded value (an 8 KB report nested 4000 deep became 32 MB);
// now it is at most about 14 times the compact encoding (2·6 + 2).
// The output is deterministic (struct fields in order, map keys sorted).
// Values that JSON cannot hold (NaN, ±Inf in an implementation's answer) are
// written as the strings "NaN", "+Inf", "-Inf".
func WriteJSON(w io.Writer, r *Report) error {
	b, err := json.Marshal(r)
	if err != nil {
		// Some recorded answer holds NaN/Inf: sanitise a copy.
		b, err = json.Marshal(sanitize(reflect.ValueOf(r)))
		if err != nil {
			return fmt.Errorf("reports: %w", err)
		}
	}
	out := indentJSON(make([]byte, 0, 2*len(b)), b, jsonIndentDepth)
	out = append(out, '\n')
	_, err = w.Write(out)
	return err
}

// indentJSON appends src, compact JSON as json.Marshal writes it, to dst,
// indented as json.Indent(dst, src, "", "  ") would for the containers
// opened at depth ≤ maxDepth (a newline and two spaces per level before
// each element and before the closing bracket, "key": value, empty
// containers kept as {} and []), and unchanged — compact — inside deeper
// ones. Linear in len(src).
func indentJSON(dst, src []byte, maxDepth int) []byte {
	depth := 0
	inString, escaped := false, false
	pending := false // a container was just opened: newline before its first element
	newline := func(d int) {
		dst = append(dst, '\n')
		for i := 0; i < d; i++ {
			dst = append(dst, ' ', ' ')
		}
	}
	for _, c := range src {
		if inString {
			dst = append(dst, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if pending && c != '}' && c != ']' {
			newline(depth)
		}
		switch c {
		case '"':
			inString = true
			dst = append(dst, c)
		case '{', '[':
			dst = append(dst, c)
			depth++
			pending = depth <= maxDepth
			continue
		case '}', ']':
			if !pending && depth <= maxDepth {
				newline(depth - 1)
			}
			depth--
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			if depth <= maxDepth {
				newline(depth)
			}
		case ':':
			dst = append(dst, c)
			if depth <= maxDepth {
				dst = append(dst, ' ')
			}
		default:
			dst = append(dst, c)
		}
		pending = false
	}
	return dst
}

// ReadJSON reads a report written by WriteJSON.
func ReadJSON(rd io.Reader) (*Report, error) {
	var r Report
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("reports: reading JSON report: %w", err)
	}
	return &r, nil
}

// sanitize converts v to plain JSON-able values (maps, slices, strings,
// numbers), replacing non-finite floats by strings.
func sanitize(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Invalid:
		return nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return sanitize(v.Elem())
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			return "NaN"
		case math.IsInf(f, 1):
			return "+Inf"
		case math.IsInf(f, -1):
			return "-Inf"
		}
		return f
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = sanitize(v.Index(i))
		}
		return out
	case reflect.Map:
		out := map[string]any{}
		for _, k := range v.MapKeys() {
			out[fmt.Sprint(k.Interface())] = sanitize(v.MapIndex(k))
		}
		return out
	case reflect.Struct:
		out := map[string]any{}
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, omit := f.Name, false
			if tag := f.Tag.Get("json"); tag != "" {
				if tag == "-" {
					continue
				}
				parts := splitComma(tag)
				if parts[0] != "" {
					name = parts[0]
				}
				for _, p := range parts[1:] {
					omit = omit || p == "omitempty"
				}
			}
			if omit && v.Field(i).IsZero() {
				continue
			}
			out[name] = sanitize(v.Field(i))
		}
		return out
	default:
		return v.Interface()
	}
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
