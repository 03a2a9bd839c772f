// Command apisurface measures the public surface of a Go package, so that changes
// to the layout can be compared with figures rather than impressions:
//
//	go run ./internal/tools/apisurface        # the root package, tango
//	go run ./internal/tools/apisurface DIR    # any package directory
//
// It prints the number of non-test .go files (build-constrained ones included, so
// the figure does not depend on the platform), the exported top-level names (types, functions, methods on
// exported types, constants, variables), the line count of `go doc -all` for the
// package, and the same counts per file. Struct fields and interface methods are
// not counted: they are part of their type.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
)

// kinds are the columns of the report, in print order.
var kinds = [...]string{"types", "funcs", "methods", "consts", "vars"}

// fileCount holds the exported names of one file by kind.
type fileCount struct {
	name   string
	counts [len(kinds)]int
}

func (f fileCount) total() int {
	n := 0
	for _, c := range f.counts {
		n += c
	}
	return n
}

func main() {
	dir := "."
	if len(os.Args) > 2 {
		fmt.Fprintln(os.Stderr, "usage: apisurface [package-dir]")
		os.Exit(2)
	}
	if len(os.Args) == 2 {
		dir = os.Args[1]
	}
	if err := report(os.Stdout, dir); err != nil {
		fmt.Fprintln(os.Stderr, "apisurface:", err)
		os.Exit(1)
	}
}

// report writes the measurements of the package in dir to w.
func report(w io.Writer, dir string) error {
	pkg, err := build.ImportDir(dir, 0)
	if err != nil {
		return err
	}
	var names []string
	for _, list := range [][]string{pkg.GoFiles, pkg.CgoFiles, pkg.IgnoredGoFiles} {
		for _, n := range list {
			if !strings.HasSuffix(n, "_test.go") {
				names = append(names, n)
			}
		}
	}
	files, err := countFiles(dir, names)
	if err != nil {
		return err
	}
	docLines, err := goDocLines(dir)
	if err != nil {
		return err
	}
	var sum fileCount
	for _, f := range files {
		for i, c := range f.counts {
			sum.counts[i] += c
		}
	}
	fmt.Fprintf(w, "package %s (%s)\n", pkg.Name, dir)
	fmt.Fprintf(w, "non-test .go files:      %d\n", len(files))
	fmt.Fprintf(w, "exported top-level names: %d (", sum.total())
	for i, k := range kinds {
		if i > 0 {
			fmt.Fprint(w, ", ")
		}
		fmt.Fprintf(w, "%s %d", k, sum.counts[i])
	}
	fmt.Fprintln(w, ")")
	fmt.Fprintf(w, "go doc -all lines:       %d\n\n", docLines)

	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "file\ttotal\t")
	for _, k := range kinds {
		fmt.Fprintf(tw, "%s\t", k)
	}
	fmt.Fprintln(tw)
	for _, f := range files {
		fmt.Fprintf(tw, "%s\t%d\t", f.name, f.total())
		for _, c := range f.counts {
			fmt.Fprintf(tw, "%d\t", c)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// countFiles parses each file and counts its exported top-level names.
func countFiles(dir string, names []string) ([]fileCount, error) {
	fset := token.NewFileSet()
	out := make([]fileCount, 0, len(names))
	for _, name := range names {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		out = append(out, fileCount{name: name, counts: countDecls(f)})
	}
	return out, nil
}

// countDecls counts the exported top-level declarations of one file.
func countDecls(f *ast.File) [len(kinds)]int {
	var c [len(kinds)]int
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			if d.Recv == nil {
				c[1]++
			} else if ast.IsExported(receiverType(d.Recv.List[0].Type)) {
				c[2]++
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if s.Name.IsExported() {
						c[0]++
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if !n.IsExported() {
							continue
						}
						if d.Tok == token.CONST {
							c[3]++
						} else {
							c[4]++
						}
					}
				}
			}
		}
	}
	return c
}

// receiverType returns the name of a method's receiver type: T for T, *T, T[P] and *T[P].
func receiverType(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// goDocLines runs `go doc -all .` in dir and counts the lines it prints.
func goDocLines(dir string) (int, error) {
	cmd := exec.CommandContext(context.Background(), "go", "doc", "-all", ".")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, errors.Join(fmt.Errorf("go doc -all: %w", err), errors.New(stderr.String()))
	}
	return bytes.Count(out, []byte("\n")), nil
}
