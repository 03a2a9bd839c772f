package tango_test

// The layout CONTRIBUTING.md describes, enforced: one home per rule, found by
// its file's name. A test here fails when a rule lands outside its home, so the
// layout cannot drift one convenient commit at a time.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// promiseSuites are the test files named for a promise that spans many files,
// or that serve every test, rather than for one file (CONTRIBUTING.md, Naming).
var promiseSuites = []string{
	"helpers_test.go", "main_test.go",
	"example_test.go", "example_tangotest_test.go", "diagnose_example_test.go",
	"fuzz_test.go", "leak_test.go", "logging_test.go", "model_test.go", "model_registry_test.go",
	"nil_args_test.go", "openapi_conformance_test.go", "recorded_answers_test.go",
	"orders_faults_test.go", "gomod_test.go", "pinning_test.go", "layout_test.go",
}

// rootSource parses the root package's non-test files.
func rootSource(t *testing.T) map[string]*ast.File {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	require.NoError(t, err)
	files := map[string]*ast.File{}
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		files[n] = f
	}
	require.NotEmpty(t, files)
	return files
}

// TestTestFilesAreNamedAfterTheirFile: a test file is <file>_test.go or
// <file>_internal_test.go of a file that exists, a benchmark file, or one of
// the promise suites, each of which CONTRIBUTING.md names.
func TestTestFilesAreNamedAfterTheirFile(t *testing.T) {
	tests, err := filepath.Glob("*_test.go")
	require.NoError(t, err)
	contributing, err := os.ReadFile("CONTRIBUTING.md")
	require.NoError(t, err)
	for _, s := range promiseSuites {
		assert.FileExists(t, s, "a promise suite that no longer exists leaves the list")
		assert.True(t, strings.Contains(string(contributing), "`"+s+"`"), "CONTRIBUTING.md names the promise suite %s", s)
	}
	for _, tf := range tests {
		if slices.Contains(promiseSuites, tf) || strings.HasSuffix(tf, "_bench_test.go") || strings.HasPrefix(tf, "bench_") {
			continue
		}
		base := strings.TrimSuffix(strings.TrimSuffix(tf, "_test.go"), "_internal")
		assert.FileExists(t, base+".go", "%s is named after no file: put its tests in the test file of the file they check, or name it for a promise in CONTRIBUTING.md and promiseSuites", tf)
	}
}

// TestEachRuleInItsHome: exported errors (types with an Error method, and Err
// sentinels) in errors.go, client and auth options in options.go, client-side
// request rules (validator methods and validate(v *validator) methods) in
// validate*.go. Models that only describe an error Tango recorded (AsyncError)
// are data, not Go errors; an option's own input check (RetryPolicy.validate)
// stays with the option.
func TestEachRuleInItsHome(t *testing.T) {
	files := rootSource(t)
	goErrors := map[string]bool{} // types with an Error() string method
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Name.Name == "Error" {
				if name := recvName(fd); name != "" {
					goErrors[name] = true
				}
			}
		}
	}
	var misplaced []string
	place := func(file, what string, ok bool) {
		if !ok {
			misplaced = append(misplaced, file+": "+what)
		}
	}
	isValidate := func(file string) bool { return file == "validate.go" || strings.HasPrefix(file, "validate_") }
	for file, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() && goErrors[s.Name.Name] {
							place(file, "error type "+s.Name.Name+" belongs in errors.go", file == "errors.go")
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() && strings.HasPrefix(n.Name, "Err") {
								place(file, "sentinel "+n.Name+" belongs in errors.go", file == "errors.go")
							}
						}
					}
				}
			case *ast.FuncDecl:
				name := d.Name.Name
				if d.Recv == nil && d.Name.IsExported() && d.Type.Results != nil && len(d.Type.Results.List) == 1 {
					if id, ok := d.Type.Results.List[0].Type.(*ast.Ident); ok && (id.Name == "Option" || id.Name == "AuthOption") {
						place(file, "option "+name+" belongs in options.go", file == "options.go")
					}
				}
				if d.Recv != nil {
					recv := recvName(d)
					if recv == "validator" {
						place(file, "validator rule "+name+" belongs in validate*.go", isValidate(file))
					}
					if (name == "validate" && takesValidator(d)) || name == "Validate" {
						place(file, "validation method "+recv+"."+name+" belongs in validate*.go", isValidate(file))
					}
				}
			}
		}
	}
	slices.Sort(misplaced)
	assert.Empty(t, misplaced, "CONTRIBUTING.md: each rule in one file, found by its name")
}

// recvName is the name of a method's receiver type, pointer or not.
func recvName(fd *ast.FuncDecl) string {
	recv := fd.Recv.List[0].Type
	if st, ok := recv.(*ast.StarExpr); ok {
		recv = st.X
	}
	if id, ok := recv.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// takesValidator reports whether a function's parameters include a *validator.
func takesValidator(fd *ast.FuncDecl) bool {
	for _, p := range fd.Type.Params.List {
		if st, ok := p.Type.(*ast.StarExpr); ok {
			if id, ok := st.X.(*ast.Ident); ok && id.Name == "validator" {
				return true
			}
		}
	}
	return false
}
