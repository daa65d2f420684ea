package main

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafka-rest-go/kafka-rest/internal/testpki"
)

const jaasConf = `/* the reference's example */
KafkaRest {
    org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required
    file="%s"
    debug="false";
};
// another application's section
Other { com.example.LdapLoginModule sufficient url="ldap://x"; };
`

const passwords = `# user: password[,role ...]
alice: alice-secret,admin, user
bob=OBF:1v2j1uum1xtv1zej1zer1xtn1uvk1v1v,user
carol: carol-secret
`

func writeJAAS(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	pw := filepath.Join(dir, "password.properties")
	writeFile(t, pw, passwords)
	jaas := filepath.Join(dir, "jaas.conf")
	writeFile(t, jaas, strings.Replace(jaasConf, "%s", pw, 1))
	return jaas
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestBasicUsersFromJAAS(t *testing.T) {
	jaas := writeJAAS(t)
	users, err := basicUsers(jaas, "KafkaRest")
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 3 || users["alice"].Password != "alice-secret" || strings.Join(users["alice"].Roles, "|") != "admin|user" ||
		users["bob"].Password != "OBF:1v2j1uum1xtv1zej1zer1xtn1uvk1v1v" || len(users["carol"].Roles) != 0 {
		t.Fatalf("users %+v", users)
	}
	for realm, want := range map[string]string{
		"Missing": `has no section "Missing"`,
		"Other":   "login module com.example.LdapLoginModule is not supported",
	} {
		if _, err := basicUsers(jaas, realm); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("realm %s: %v, want %q", realm, err, want)
		}
	}
	if _, err := basicUsers("", "KafkaRest"); err == nil || !strings.Contains(err.Error(), "java.security.auth.login.config") {
		t.Errorf("no JAAS config: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.conf")
	writeFile(t, bad, "KafkaRest { org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required file=\"x\" ")
	if _, err := basicUsers(bad, "KafkaRest"); err == nil || !strings.Contains(err.Error(), "must end with ';'") {
		t.Errorf("unterminated module: %v", err)
	}
}

func TestJAASFromLauncher(t *testing.T) {
	for env, want := range map[string]string{
		"KAFKAREST_OPTS=-Xmx1g -Djava.security.auth.login.config=/etc/kafka-rest/jaas.conf": "/etc/kafka-rest/jaas.conf",
		`KAFKA_REST_OPTS="-Djava.security.auth.login.config=/opt/jaas.conf" -Dother=1`:      "/opt/jaas.conf",
		"KAFKAREST_OPTS=-Djava.security.krb5.conf=/etc/krb5.conf":                           "",
		"OTHER_OPTS=-Djava.security.auth.login.config=/nope":                                "",
	} {
		if got := jaasFromLauncher([]string{env}); got != want {
			t.Errorf("%s: %q, want %q", env, got, want)
		}
	}
	cfg, err := loadConfig("", []string{"KAFKAREST_OPTS=-Djava.security.auth.login.config=/x/jaas.conf"})
	if err != nil || cfg.str("java.security.auth.login.config") != "/x/jaas.conf" {
		t.Fatalf("from the environment: %v %q", err, cfg.str("java.security.auth.login.config"))
	}
}

// TestHTTPSWithBasicAuth runs the program with an https listener, BASIC
// users from a JAAS config, a header size bound and extra response headers,
// as an operator would configure them.
func TestHTTPSWithBasicAuth(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	ks := filepath.Join(t.TempDir(), "keystore.p12")
	ca.Server(t, "proxy").WriteKeyStore(t, ks, "PKCS12")
	p := startProcess(t, "listeners=https://127.0.0.1:0\nembedded.kafka.port=0\n"+
		"ssl.keystore.location="+ks+"\nssl.keystore.type=PKCS12\nssl.keystore.password="+testpki.Password+"\n"+
		"authentication.method=BASIC\nauthentication.realm=KafkaRest\nauthentication.roles=admin\n"+
		"java.security.auth.login.config="+writeJAAS(t)+"\n"+
		"max.request.header.size=2048\nresponse.http.headers.config=add X-XSS-Protection: 1; mode=block\n")
	addr := p.listening(t)
	if !strings.Contains(p.log(), "listener=https://") {
		t.Fatalf("not an https listener:\n%s", p.log())
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}}}
	get := func(auth string, extra ...string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", "https://"+addr+"/v3/clusters", nil)
		if auth != "" {
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(auth)))
		}
		for _, h := range extra {
			req.Header.Set("X-Extra", h)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	if res, body := get(""); res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") != `Basic realm="KafkaRest"` || !strings.Contains(body, `"error_code":401`) {
		t.Fatalf("no credentials: %d %v %s", res.StatusCode, res.Header, body)
	}
	if res, _ := get("bob:password"); res.StatusCode != 403 {
		t.Fatalf("bob has no admin role: %d", res.StatusCode)
	}
	res, body := get("alice:alice-secret")
	if res.StatusCode != 200 || !strings.Contains(body, `"self":"https://`) || res.Header.Get("X-XSS-Protection") != "1; mode=block" {
		t.Fatalf("alice: %d %v %s", res.StatusCode, res.Header, body)
	}
	// On a connection that served requests before, too.
	if res, body := get("alice:alice-secret", strings.Repeat("x", 3000)); res.StatusCode != 431 || !strings.Contains(body, `"error_code":431`) {
		t.Fatalf("a 3000-byte header: %d %s, want 431", res.StatusCode, body)
	}
	// A header block far beyond Go's own limit gets the same JSON 431,
	// inside the TLS stream.
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: ca.Pool()})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go func() {
		_, _ = io.WriteString(conn, "GET /v3/clusters HTTP/1.1\r\nHost: proxy\r\nX-Big: "+strings.Repeat("x", 1<<20)+"\r\n\r\n")
	}()
	if err := conn.SetReadDeadline(time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	res, err = http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("a 1 MiB header: %v", err)
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 431 || res.Header.Get("Content-Type") != "application/json" ||
		string(b) != `{"error_code":431,"message":"Request header fields are larger than 2048 bytes."}` {
		t.Fatalf("a 1 MiB header: %d %q %s", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	// Plain HTTP on the TLS port is told so, in the error shape, never an
	// API answer.
	res, err = http.Get("http://" + addr + "/v3/clusters")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 400 || !strings.Contains(string(b), `"error_code":400`) {
		t.Fatalf("plain HTTP on the https listener: %d %s", res.StatusCode, b)
	}
}

// TestHTTPSListenerNeedsKeystore: an https listener without a keystore
// stops start-up with a message that names the key.
func TestHTTPSListenerNeedsKeystore(t *testing.T) {
	p := startProcess(t, "listeners=https://127.0.0.1:0\nembedded.kafka.port=0\n")
	select {
	case err := <-p.done:
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Errorf("exit %v, want 1", err)
		}
		if !strings.Contains(p.log(), "needs ssl.keystore.location") {
			t.Errorf("log does not name the key:\n%s", p.log())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("kafka-rest did not stop\n%s", p.log())
	}
}
