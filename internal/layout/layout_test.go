package layout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const module = "github.com/kafka-rest-go/kafka-rest"

// pkg is what go list says of one of the module's packages.
type pkg struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
}

// rel is a package's path inside the module: "http/v3", "." for the root.
func (p pkg) rel() string {
	if p.ImportPath == module {
		return "."
	}
	return strings.TrimPrefix(p.ImportPath, module+"/")
}

// listed is every package of the module as each build tag the tests use
// sees it, listed once for all the tests.
var listed = sync.OnceValues(func() ([]pkg, error) {
	seen := map[string]bool{}
	var out []pkg
	for _, tags := range []string{"", "integration", "integration brokerfaults"} {
		cmd := exec.Command("go", "list", "-tags", tags, "-json", "./...")
		cmd.Dir = "../.."
		b, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			return nil, fmt.Errorf("go list -tags %q: %w\n%s", tags, err, stderr)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		for dec.More() {
			var p pkg
			if err := dec.Decode(&p); err != nil {
				return nil, err
			}
			if !seen[p.ImportPath] {
				seen[p.ImportPath] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
})

// packages lists the module's packages.
func packages(t *testing.T) []pkg {
	t.Helper()
	ps, err := listed()
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// layer is a package's place: a package imports only packages of lower
// layers. Packages of one layer do not import each other: the handlers of
// v2 and v3 and the guards stay apart, kafka and codec/schema too.
func layer(rel string) int {
	switch {
	case strings.HasPrefix(rel, "cmd/"):
		return 7
	case rel == "http", rel == "bench":
		return 6
	case rel == "http/guard", rel == "http/v2", rel == "http/v3":
		return 5
	case rel == "http/rest":
		return 4
	case rel == "actors", rel == "kafka/embedded":
		return 3
	case rel == "kafka", rel == "codec/schema":
		return 2
	case rel == "codec", rel == "internal/telemetry":
		return 1
	case strings.HasPrefix(rel, "internal/"):
		return 0
	}
	return -1
}

func TestImportsGoDownTheLayers(t *testing.T) {
	for _, p := range packages(t) {
		from := layer(p.rel())
		if from < 0 {
			t.Errorf("%s has no layer: give it one in layout_test.go's layer, and in docs/architecture.md", p.rel())
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			to := strings.TrimPrefix(imp, module+"/")
			if strings.HasPrefix(to, p.rel()+"/internal/") {
				continue // a command's own internal package
			}
			if l := layer(to); l >= from {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports go down the layers only", p.rel(), from, to, l)
			}
		}
	}
}

// allowed reports whether the package rel may import the third-party
// package imp.
func allowed(rel, imp string) bool {
	// internal/kfakesasl is test support: it makes kfake refuse logins as
	// Kafka does.
	clients := rel == "kafka" || rel == "kafka/embedded" || rel == "actors" || rel == "bench" || rel == "cmd/kafka-rest-bench" ||
		rel == "internal/kfakesasl"
	switch {
	case strings.HasPrefix(imp, "github.com/twmb/franz-go/pkg/sr"):
		return clients || rel == "codec/schema" || rel == "cmd/kafka-rest"
	case strings.HasPrefix(imp, "github.com/twmb/franz-go/"):
		return clients
	case strings.HasPrefix(imp, "github.com/asynkron/protoactor-go"):
		return rel == "actors"
	}
	return true
}

func TestClientLibrariesStayInTheirPackages(t *testing.T) {
	for _, p := range packages(t) {
		for _, imp := range p.Imports {
			if !allowed(p.rel(), imp) {
				t.Errorf("%s imports %s: franz-go belongs to kafka, actors and the bench (its registry client to codec/schema), protoactor-go to actors", p.rel(), imp)
			}
		}
	}
}

// serverNames are net/http's names that serve HTTP rather than call it.
func serverNames() map[string]bool {
	return map[string]bool{"Handler": true, "HandlerFunc": true, "ResponseWriter": true, "Server": true,
		"ServeMux": true, "NewServeMux": true, "ResponseController": true, "NewResponseController": true,
		"ListenAndServe": true, "ListenAndServeTLS": true, "Serve": true, "ServeTLS": true, "Flusher": true,
		"Hijacker": true, "ErrServerClosed": true}
}

// files parses the non-test Go files of p into fs.
func files(t *testing.T, fs *token.FileSet, p pkg) []*ast.File {
	t.Helper()
	var out []*ast.File
	for _, name := range p.GoFiles {
		f, err := parser.ParseFile(fs, filepath.Join(p.Dir, name), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

func TestServerTypesOnlyWhereHTTPIsServed(t *testing.T) {
	servers := serverNames()
	fs := token.NewFileSet()
	for _, p := range packages(t) {
		rel := p.rel()
		if rel == "http" || strings.HasPrefix(rel, "http/") || strings.HasPrefix(rel, "cmd/") || rel == "kafka/embedded" {
			continue
		}
		for _, f := range files(t, fs, p) {
			name := ""
			for _, imp := range f.Imports {
				if path, _ := strconv.Unquote(imp.Path.Value); path == "net/http" {
					name = "http"
					if imp.Name != nil {
						name = imp.Name.Name
					}
				}
			}
			if name == "" {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == name && servers[sel.Sel.Name] {
						t.Errorf("%s uses net/http's %s: serving HTTP belongs under http/ and cmd/", fs.Position(sel.Pos()), sel.Sel.Name)
					}
				}
				return true
			})
		}
	}
}

// constantVar reports whether a package-level var is state in name only: a
// sentinel error, an embedded file, a compile-time interface check, or a
// string the linker sets (-ldflags -X can set nothing else), which nothing
// in the program assigns.
func constantVar(gd *ast.GenDecl, spec *ast.ValueSpec) bool {
	if linkerSet(gd, spec) {
		return true
	}
	for _, doc := range []*ast.CommentGroup{gd.Doc, spec.Doc} {
		if doc != nil && strings.Contains(doc.Text(), "go:embed") {
			return true
		}
		if doc != nil {
			for _, c := range doc.List {
				if strings.HasPrefix(c.Text, "//go:embed") {
					return true
				}
			}
		}
	}
	if len(spec.Names) == 1 && spec.Names[0].Name == "_" {
		return true
	}
	for _, v := range spec.Values {
		call, ok := v.(*ast.CallExpr)
		if !ok {
			return false
		}
		fn, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		pkg, ok := fn.X.(*ast.Ident)
		if !ok || !(pkg.Name == "errors" && fn.Sel.Name == "New") {
			return false
		}
	}
	return len(spec.Values) > 0
}

// linkerSet reports whether spec is a string without a value that its
// declaration's comment says -ldflags -X sets.
func linkerSet(gd *ast.GenDecl, spec *ast.ValueSpec) bool {
	id, ok := spec.Type.(*ast.Ident)
	if !ok || id.Name != "string" || len(spec.Values) > 0 || gd.Doc == nil {
		return false
	}
	return strings.Contains(gd.Doc.Text(), "-ldflags -X")
}

func TestNoPackageLevelState(t *testing.T) {
	fs := token.NewFileSet()
	for _, p := range packages(t) {
		for _, f := range files(t, fs, p) {
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || gd.Tok != token.VAR {
					continue
				}
				for _, s := range gd.Specs {
					spec := s.(*ast.ValueSpec)
					if !constantVar(gd, spec) {
						t.Errorf("%s: package-level var %s: make it a constant, a function, or state of a value the caller holds",
							fs.Position(spec.Pos()), spec.Names[0].Name)
					}
				}
			}
		}
	}
}
