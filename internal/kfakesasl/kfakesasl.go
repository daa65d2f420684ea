// Package kfakesasl makes a kfake cluster refuse a SASL PLAIN login the
// way Kafka does, for tests of what callers with bad credentials see.
//
// kfake closes the connection on a wrong password, which a client cannot
// tell from a network failure; Kafka answers the SaslAuthenticate request
// with SASL_AUTHENTICATION_FAILED first, and that answer is what the proxy
// acts on.
package kfakesasl

import (
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Logins checks the PLAIN logins of a kfake cluster.
type Logins struct {
	mu      sync.Mutex
	users   map[string]string // user -> password
	revoked map[string]bool
}

// Refuse makes c answer SASL_AUTHENTICATION_FAILED to every PLAIN login
// whose user is not in users (user -> password) or whose password is not
// the user's; the logins it accepts go on to kfake, which must know the
// same users (kfake.User or kfake.Superuser). Other mechanisms are left to
// kfake.
func Refuse(c *kfake.Cluster, users map[string]string) *Logins {
	l := &Logins{users: make(map[string]string, len(users)), revoked: make(map[string]bool)}
	for u, p := range users {
		l.users[u] = p
	}
	c.ControlKey(int16(kmsg.SASLAuthenticate), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		r := req.(*kmsg.SASLAuthenticateRequest)
		parts := strings.SplitN(string(r.SASLAuthBytes), "\x00", 3)
		if len(parts) != 3 || l.accepts(parts[1], parts[2]) {
			return nil, nil, false
		}
		resp := r.ResponseKind().(*kmsg.SASLAuthenticateResponse)
		resp.ErrorCode = kerr.SaslAuthenticationFailed.Code
		msg := "Authentication failed: Invalid username or password"
		resp.ErrorMessage = &msg
		return resp, nil, true
	})
	return l
}

func (l *Logins) accepts(user, password string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	p, ok := l.users[user]
	return ok && p == password && !l.revoked[user]
}

// Revoke refuses every later login of user, as Kafka does once a user's
// credentials are deleted; connections already authenticated stay so.
func (l *Logins) Revoke(user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.revoked[user] = true
}
