package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/kafka-rest-go/kafka-rest/cmd/kafka-rest/internal/properties"
	"github.com/kafka-rest-go/kafka-rest/http/guard"
	"github.com/kafka-rest-go/kafka-rest/internal/jaas"
)

// propertyFileModule reports whether module is Jetty's
// PropertyFileLoginModule, before or after Jetty 10 moved it.
func propertyFileModule(module string) bool {
	switch module {
	case "org.eclipse.jetty.jaas.spi.PropertyFileLoginModule", "org.eclipse.jetty.security.jaas.spi.PropertyFileLoginModule":
		return true
	}
	return false
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
	sections, err := jaas.ParseFile(string(b))
	if err != nil {
		return nil, fmt.Errorf("reading the JAAS config %s: %w", jaasPath, err)
	}
	entries, ok := sections[realm]
	if !ok {
		return nil, fmt.Errorf("the JAAS config %s has no section %q: authentication.realm names it", jaasPath, realm)
	}
	for _, e := range entries {
		if !propertyFileModule(e.Module) {
			return nil, fmt.Errorf("the JAAS config %s, section %s: login module %s is not supported; use org.eclipse.jetty.jaas.spi.PropertyFileLoginModule with file=", jaasPath, realm, e.Module)
		}
	}
	if len(entries) != 1 || entries[0].Options["file"] == "" {
		return nil, fmt.Errorf("the JAAS config %s, section %s: expected one PropertyFileLoginModule with file=\"/path/to/password.properties\"", jaasPath, realm)
	}
	return readPasswordFile(entries[0].Options["file"])
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
