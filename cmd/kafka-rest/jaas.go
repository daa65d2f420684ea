package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/kafka-rest-go/kafka-rest/cmd/kafka-rest/internal/properties"
	"github.com/kafka-rest-go/kafka-rest/http/guard"
)

// jaasEntry is one login module of a JAAS config section.
type jaasEntry struct {
	module, flag string
	options      map[string]string
}

// parseJAASFile reads a JAAS config file: sections "Name { module flag
// key=value ...; ... };", with // and /* */ comments.
func parseJAASFile(src string) (map[string][]jaasEntry, error) {
	toks, err := jaasTokens(src)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]jaasEntry)
	for i := 0; i < len(toks); {
		if i+1 >= len(toks) || toks[i+1] != "{" {
			return nil, fmt.Errorf("expected a section name and '{' at %q", toks[i])
		}
		name := toks[i]
		i += 2
		for i < len(toks) && toks[i] != "}" {
			if i+1 >= len(toks) {
				return nil, fmt.Errorf("section %s: a login module needs a flag (required, requisite, sufficient or optional)", name)
			}
			e := jaasEntry{module: toks[i], flag: toks[i+1], options: make(map[string]string)}
			i += 2
			for i < len(toks) && toks[i] != ";" {
				if i+2 >= len(toks) || toks[i+1] != "=" {
					return nil, fmt.Errorf("section %s: expected key=value at %q", name, toks[i])
				}
				e.options[toks[i]] = toks[i+2]
				i += 3
			}
			if i >= len(toks) {
				return nil, fmt.Errorf("section %s: a login module must end with ';'", name)
			}
			i++ // ;
			out[name] = append(out[name], e)
		}
		if i >= len(toks) {
			return nil, fmt.Errorf("section %s is not closed with '}'", name)
		}
		i++ // }
		if i < len(toks) && toks[i] == ";" {
			i++
		}
	}
	return out, nil
}

// jaasTokens splits a JAAS file into words, quoted strings (unquoted) and
// the punctuation { } ; =.
func jaasTokens(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(s[i:], "//") || c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return nil, fmt.Errorf("a /* comment is not closed")
			}
			i += end + 4
		case c == '{' || c == '}' || c == ';' || c == '=':
			out = append(out, string(c))
			i++
		case c == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("a quoted value is not closed")
			}
			out = append(out, s[i+1:i+1+end])
			i += end + 2
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n{};=\"", rune(s[j])) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

// propertyFileModule reports whether name is Jetty's PropertyFileLoginModule, before and after
// Jetty 10 moved it.
func propertyFileModule(name string) bool {
	return name == "org.eclipse.jetty.jaas.spi.PropertyFileLoginModule" ||
		name == "org.eclipse.jetty.security.jaas.spi.PropertyFileLoginModule"
}

// basicUsers reads the users of realm: the JAAS config names, in the
// section of the realm, a PropertyFileLoginModule whose file= is a Jetty
// password file.
func basicUsers(jaasPath, realm string) (map[string]guard.BasicUser, error) {
	if jaasPath == "" {
		return nil, fmt.Errorf("authentication.method=BASIC needs a JAAS config: set java.security.auth.login.config (or -Djava.security.auth.login.config= in KAFKAREST_OPTS)")
	}
	b, err := os.ReadFile(jaasPath)
	if err != nil {
		return nil, fmt.Errorf("reading the JAAS config: %w", err)
	}
	sections, err := parseJAASFile(string(b))
	if err != nil {
		return nil, fmt.Errorf("reading the JAAS config %s: %w", jaasPath, err)
	}
	entries, ok := sections[realm]
	if !ok {
		return nil, fmt.Errorf("the JAAS config %s has no section %q: authentication.realm names it", jaasPath, realm)
	}
	for _, e := range entries {
		if !propertyFileModule(e.module) {
			return nil, fmt.Errorf("the JAAS config %s, section %s: login module %s is not supported; use org.eclipse.jetty.jaas.spi.PropertyFileLoginModule with file=", jaasPath, realm, e.module)
		}
	}
	if len(entries) != 1 || entries[0].options["file"] == "" {
		return nil, fmt.Errorf("the JAAS config %s, section %s: expected one PropertyFileLoginModule with file=\"/path/to/password.properties\"", jaasPath, realm)
	}
	return readPasswordFile(entries[0].options["file"])
}

// readPasswordFile reads a Jetty password file: a properties file of
// "user: password[,role ...]".
func readPasswordFile(path string) (map[string]guard.BasicUser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the password file: %w", err)
	}
	defer f.Close()
	entries, err := properties.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("reading the password file %s: %w", path, err)
	}
	users := make(map[string]guard.BasicUser)
	for _, e := range entries {
		name := strings.TrimSpace(e.Key)
		if name == "" {
			continue
		}
		fields := strings.Split(e.Value, ",")
		u := guard.BasicUser{Password: strings.TrimSpace(fields[0])}
		for _, r := range fields[1:] {
			if r = strings.TrimSpace(r); r != "" {
				u.Roles = append(u.Roles, r)
			}
		}
		users[name] = u
	}
	return users, nil
}
