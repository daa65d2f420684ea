package guard

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// BasicUser is one user of a Jetty password file (HashLoginService and
// PropertyFileLoginModule format: "user: password[,role ...]").
type BasicUser struct {
	// Password is as the file writes it: plain text, "OBF:..." (Jetty's
	// obfuscation) or "MD5:<hex digest>".
	Password string
	Roles    []string
}

type basicAuth struct {
	realm string
	users map[string]basicCredential
}

// basicCredential is a password ready to check: the plain text or the MD5
// digest of it.
type basicCredential struct {
	plain []byte
	md5   []byte
	roles []string
}

// NewBasicAuth is authentication.method=BASIC: HTTP Basic credentials
// checked against users, with realm in the challenge. CRYPT: passwords are
// refused: change them to MD5: or OBF:.
func NewBasicAuth(realm string, users map[string]BasicUser) (Authenticator, error) {
	a := &basicAuth{realm: realm, users: make(map[string]basicCredential, len(users))}
	for name, u := range users {
		c := basicCredential{roles: u.Roles}
		switch {
		case strings.HasPrefix(u.Password, "OBF:"):
			p, err := deobfuscate(u.Password)
			if err != nil {
				return nil, fmt.Errorf("the password of %s: %w", name, err)
			}
			c.plain = []byte(p)
		case strings.HasPrefix(u.Password, "MD5:"):
			d, err := hex.DecodeString(strings.TrimPrefix(u.Password, "MD5:"))
			if err != nil || len(d) != md5.Size {
				return nil, fmt.Errorf("the password of %s: MD5: must be followed by 32 hexadecimal digits", name)
			}
			c.md5 = d
		case strings.HasPrefix(u.Password, "CRYPT:"):
			return nil, fmt.Errorf("the password of %s: CRYPT: passwords are not supported; write it as MD5: or OBF: instead", name)
		default:
			c.plain = []byte(u.Password)
		}
		a.users[name] = c
	}
	return a, nil
}

var (
	errNoBasic  = errors.New("send HTTP Basic credentials (Authorization: Basic ...)")
	errBadBasic = errors.New("wrong user name or password")
)

func (a *basicAuth) Authenticate(r *http.Request) (Principal, error) {
	name, password, ok := r.BasicAuth()
	if !ok {
		return Principal{}, errNoBasic
	}
	c, known := a.users[name]
	if !c.check(password) || !known {
		return Principal{}, errBadBasic
	}
	return Principal{Name: name, Roles: c.roles, Scheme: "BASIC", Password: password}, nil
}

// check compares in constant time, so that the answer's timing tells
// nothing of the password; an unknown user's empty credential still does
// the work.
func (c basicCredential) check(password string) bool {
	if c.md5 != nil {
		sum := md5.Sum([]byte(password))
		return subtle.ConstantTimeCompare(sum[:], c.md5) == 1
	}
	return c.plain != nil && subtle.ConstantTimeCompare([]byte(password), c.plain) == 1
}

func (a *basicAuth) Challenge(error) string {
	return "Basic " + challengeParam("realm", a.realm)
}

// deobfuscate reverses Jetty's Password.obfuscate ("OBF:" then base-36
// groups of four characters per byte, or "U" and four for non-ASCII bytes).
func deobfuscate(s string) (string, error) {
	s = strings.TrimPrefix(s, "OBF:")
	out := make([]byte, 0, len(s)/4)
	for i := 0; i < len(s); {
		if s[i] == 'U' {
			if i+5 > len(s) {
				return "", fmt.Errorf("OBF: value is cut short")
			}
			n, err := strconv.ParseInt(s[i+1:i+5], 36, 32)
			if err != nil {
				return "", fmt.Errorf("OBF: value is not Jetty's obfuscation: %w", err)
			}
			out = append(out, byte(n>>8))
			i += 5
			continue
		}
		if i+4 > len(s) {
			return "", fmt.Errorf("OBF: value is cut short")
		}
		n, err := strconv.ParseInt(s[i:i+4], 36, 32)
		if err != nil {
			return "", fmt.Errorf("OBF: value is not Jetty's obfuscation: %w", err)
		}
		out = append(out, byte((n/256+n%256-254)/2))
		i += 4
	}
	return string(out), nil
}
