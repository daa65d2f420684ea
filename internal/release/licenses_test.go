package release

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestThirdPartyLicenses(t *testing.T) {
	root := t.TempDir()
	mkdir := func(name string, files map[string]string) string {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for n, body := range files {
			if err := os.WriteFile(filepath.Join(dir, n), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	goroot := mkdir("go", map[string]string{"LICENSE": "Go's BSD license"})
	a := mkdir("a", map[string]string{"LICENSE": "Apache License 2.0", "NOTICE": "a's notice", "main.go": "package a"})
	b := mkdir("b", map[string]string{"LICENCE.txt": "MIT"})
	none := mkdir("none", map[string]string{"README.md": "no license"})

	text, err := ThirdPartyLicenses("go1.26.8", goroot, []Module{{"example.com/a", "v1.0.0", a}, {"example.com/b", "v0.1.0", b}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Go go1.26.8 (LICENSE)\n", "Go's BSD license\n",
		"example.com/a v1.0.0 (LICENSE)\n", "Apache License 2.0\n",
		"example.com/a v1.0.0 (NOTICE)\n", "a's notice\n",
		"example.com/b v0.1.0 (LICENCE.txt)\n", "MIT\n",
	} {
		if !strings.Contains(string(text), want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
	if strings.Contains(string(text), "package a") {
		t.Error("a source file was taken for a license")
	}
	_, err = ThirdPartyLicenses("go1.26.8", goroot, []Module{{"example.com/a", "v1.0.0", a}, {"example.com/none", "v0.0.1", none}})
	if err == nil || !strings.Contains(err.Error(), "example.com/none@v0.0.1") {
		t.Errorf("a module without a license: %v", err)
	}
}
