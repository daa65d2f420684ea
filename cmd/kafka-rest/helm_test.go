//go:build helm

package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The Helm chart in deploy/helm/kafka-rest, rendered by helm template and
// read back: what Kubernetes would be given. make test-helm runs these
// with KAFKA_REST_HELM naming the helm binary it installed.

const chartDir = "../../deploy/helm/kafka-rest"

// render runs helm template with the --set values given and returns its
// output, or what helm said when it failed.
func render(t *testing.T, sets ...string) ([]byte, error) {
	t.Helper()
	helm := os.Getenv("KAFKA_REST_HELM")
	if helm == "" {
		t.Fatal("KAFKA_REST_HELM is not set: run make test-helm, which installs helm and names it")
	}
	args := []string{"template", "rel", chartDir, "--namespace", "ns", "--kube-version", "1.30.0"}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(helm, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, errors.New(stderr.String())
	}
	return out, nil
}

// obj is one manifest, or any map within it.
type obj = map[string]any

// manifests renders the chart and returns its objects by kind and name.
func manifests(t *testing.T, sets ...string) map[string]obj {
	t.Helper()
	out, err := render(t, sets...)
	if err != nil {
		t.Fatalf("helm template: %v", err)
	}
	got := map[string]obj{}
	dec := yaml.NewDecoder(bytes.NewReader(out))
	for {
		var o obj
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the rendered chart is not YAML: %v\n%s", err, out)
		}
		if o == nil {
			continue
		}
		key := str(o, "kind") + "/" + str(o, "metadata", "name")
		if _, dup := got[key]; dup {
			t.Fatalf("%s rendered twice", key)
		}
		got[key] = o
	}
	return got
}

// at walks path (map keys, or "0"-style indexes written as ints) in v.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(obj)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func str(v any, path ...any) string {
	s, _ := at(v, path...).(string)
	return s
}

func num(v any, path ...any) int {
	n, _ := at(v, path...).(int)
	return n
}

// named finds the element of the list at path whose name is name.
func named(v any, name string, path ...any) obj {
	l, _ := at(v, path...).([]any)
	for _, e := range l {
		if m, ok := e.(obj); ok && m["name"] == name {
			return m
		}
	}
	return nil
}

// loadRendered validates the rendered kafka-rest.properties as the proxy
// does at start-up, with env as each pod's environment.
func loadRendered(t *testing.T, cm obj, env []string) *config {
	t.Helper()
	props := str(cm, "data", "kafka-rest.properties")
	path := filepath.Join(t.TempDir(), "kafka-rest.properties")
	if err := os.WriteFile(path, []byte(props), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(path, env)
	if err != nil {
		t.Fatalf("the rendered kafka-rest.properties is refused: %v\n%s", err, props)
	}
	if len(cfg.warnings) > 0 {
		t.Fatalf("the rendered kafka-rest.properties warns: %v\n%s", cfg.warnings, props)
	}
	return cfg
}

// TestHelmDefaults: the default install is three cluster nodes behind a
// plain Service, each with its pod name as id and its pod IP in its node
// URL, probed on /readyz and /healthz, scraped by Prometheus, drained
// gracefully within a grace period that covers the proxy's, under a
// PodDisruptionBudget; its properties are ones the proxy accepts.
func TestHelmDefaults(t *testing.T) {
	m := manifests(t, "bootstrapServers=kafka-0.kafka:9092\\,kafka-1.kafka:9092")
	for _, k := range []string{"Deployment/rel-kafka-rest", "Service/rel-kafka-rest", "ConfigMap/rel-kafka-rest", "PodDisruptionBudget/rel-kafka-rest"} {
		if m[k] == nil {
			t.Fatalf("%s not rendered; got %v", k, keys(m))
		}
	}
	if len(m) != 4 {
		t.Fatalf("rendered %v, want no Secret without TLS or JAAS", keys(m))
	}
	d := m["Deployment/rel-kafka-rest"]
	if num(d, "spec", "replicas") != 3 {
		t.Fatalf("replicas %v", at(d, "spec", "replicas"))
	}
	pod := at(d, "spec", "template")
	c := named(pod, "kafka-rest", "spec", "containers")
	if c == nil {
		t.Fatal("no kafka-rest container")
	}
	if id := named(c, "KAFKA_REST_ID", "env"); str(id, "valueFrom", "fieldRef", "fieldPath") != "metadata.name" {
		t.Fatalf("KAFKA_REST_ID is not the pod name: %v", id)
	}
	if ip := named(c, "POD_IP", "env"); str(ip, "valueFrom", "fieldRef", "fieldPath") != "status.podIP" {
		t.Fatalf("POD_IP is not the pod's IP: %v", ip)
	}
	if u := named(c, "KAFKA_REST_CLUSTER_NODE_URL", "env"); str(u, "value") != "http://$(POD_IP):8082" {
		t.Fatalf("node URL %v", u)
	}
	for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz"} {
		if str(c, probe, "httpGet", "path") != path || str(c, probe, "httpGet", "port") != "http" || str(c, probe, "httpGet", "scheme") != "HTTP" {
			t.Fatalf("%s: %v", probe, c[probe])
		}
	}
	if p := named(c, "http", "ports"); num(p, "containerPort") != 8082 {
		t.Fatalf("container port %v", p)
	}
	if str(c, "args", 0) != "/etc/kafka-rest/kafka-rest.properties" {
		t.Fatalf("args %v: not the image's properties path", c["args"])
	}
	ann := at(pod, "metadata", "annotations")
	for k, v := range map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "8082", "prometheus.io/path": "/metrics", "prometheus.io/scheme": "http"} {
		if str(ann, k) != v {
			t.Errorf("pod annotation %s = %q, want %q", k, str(ann, k), v)
		}
	}
	if len(str(ann, "checksum/config")) != 64 {
		t.Errorf("no config checksum to roll the pods on a change: %v", ann)
	}
	sleep := num(c, "lifecycle", "preStop", "sleep", "seconds")
	grace := num(pod, "spec", "terminationGracePeriodSeconds")
	if sleep != 5 || grace != 30 {
		t.Fatalf("preStop sleep %d s and grace period %d s, want 5 and 30", sleep, grace)
	}
	if at(pod, "spec", "securityContext", "runAsNonRoot") != true || num(pod, "spec", "securityContext", "runAsUser") != 65532 ||
		at(c, "securityContext", "readOnlyRootFilesystem") != true {
		t.Fatalf("security contexts: pod %v container %v", at(pod, "spec", "securityContext"), c["securityContext"])
	}

	cfg := loadRendered(t, m["ConfigMap/rel-kafka-rest"], []string{"KAFKA_REST_ID=rel-kafka-rest-7d9f8-abcde", "KAFKA_REST_CLUSTER_NODE_URL=http://10.1.2.3:8082"})
	if !cfg.bool("cluster.enable") || cfg.str("id") != "rel-kafka-rest-7d9f8-abcde" || cfg.str("bootstrap.servers") != "kafka-0.kafka:9092,kafka-1.kafka:9092" ||
		cfg.str("listeners") != "http://0.0.0.0:8082" {
		t.Fatalf("rendered configuration: %v", cfg.values)
	}
	// The pod's grace period covers the wait before SIGTERM and the
	// proxy's own drain.
	if drain := int(cfg.ms("shutdown.graceful.ms").Seconds()); sleep+drain >= grace {
		t.Fatalf("grace period %d s does not cover preStop %d s plus shutdown.graceful.ms %d s", grace, sleep, drain)
	}

	svc := m["Service/rel-kafka-rest"]
	sel, _ := at(svc, "spec", "selector").(obj)
	labels, _ := at(pod, "metadata", "labels").(obj)
	if len(sel) == 0 {
		t.Fatal("the Service selects nothing")
	}
	for k, v := range sel {
		if labels[k] != v {
			t.Fatalf("the Service selects %s=%v, the pods are labelled %v", k, v, labels)
		}
	}
	if str(svc, "spec", "sessionAffinity") != "None" || str(svc, "spec", "ports", 0, "targetPort") != "http" || num(svc, "spec", "ports", 0, "port") != 8082 {
		t.Fatalf("Service spec %v", at(svc, "spec"))
	}
	pdb := m["PodDisruptionBudget/rel-kafka-rest"]
	if num(pdb, "spec", "maxUnavailable") != 1 || str(pdb, "apiVersion") != "policy/v1" {
		t.Fatalf("PodDisruptionBudget %v", pdb)
	}
	for k, v := range at(pdb, "spec", "selector", "matchLabels").(obj) {
		if labels[k] != v {
			t.Fatalf("the PodDisruptionBudget selects %s=%v, the pods are labelled %v", k, v, labels)
		}
	}
}

// TestHelmTLSAndJAAS: with TLS and a JAAS file the chart makes their
// Secrets, mounts them, passes the store passwords from the Secret, serves
// and probes https; the rendered properties point at the mounted files.
func TestHelmTLSAndJAAS(t *testing.T) {
	m := manifests(t, "bootstrapServers=kafka:9092", "tls.enabled=true", "tls.keystore=a2V5c3RvcmU=", "tls.truststore=dHJ1c3Q=",
		"tls.keystorePassword=ks-secret", "tls.clientAuthentication=REQUIRED", "jaas.config=KafkaClient {}",
		"properties.consumer\\.instance\\.timeout\\.ms=60000", "preStopSleepSeconds=0", "shutdownGracefulMs=12500", "replicaCount=2")
	tlsSecret, jaasSecret := m["Secret/rel-kafka-rest-tls"], m["Secret/rel-kafka-rest-jaas"]
	if str(tlsSecret, "data", "keystore") != "a2V5c3RvcmU=" || str(tlsSecret, "data", "truststore") != "dHJ1c3Q=" ||
		str(tlsSecret, "stringData", "keystore-password") != "ks-secret" {
		t.Fatalf("TLS Secret %v", tlsSecret)
	}
	if !strings.Contains(str(jaasSecret, "stringData", "jaas.conf"), "KafkaClient {}") {
		t.Fatalf("JAAS Secret %v", jaasSecret)
	}
	d := m["Deployment/rel-kafka-rest"]
	pod := at(d, "spec", "template")
	c := named(pod, "kafka-rest", "spec", "containers")
	if str(c, "readinessProbe", "httpGet", "scheme") != "HTTPS" || str(c, "livenessProbe", "httpGet", "scheme") != "HTTPS" {
		t.Fatalf("probes are not https: %v %v", c["readinessProbe"], c["livenessProbe"])
	}
	if u := named(c, "KAFKA_REST_CLUSTER_NODE_URL", "env"); str(u, "value") != "https://$(POD_IP):8082" {
		t.Fatalf("node URL %v", u)
	}
	if pw := named(c, "KAFKA_REST_SSL_KEYSTORE_PASSWORD", "env"); str(pw, "valueFrom", "secretKeyRef", "name") != "rel-kafka-rest-tls" ||
		str(pw, "valueFrom", "secretKeyRef", "key") != "keystore-password" {
		t.Fatalf("keystore password %v", pw)
	}
	if str(named(pod, "tls", "spec", "volumes"), "secret", "secretName") != "rel-kafka-rest-tls" ||
		str(named(pod, "jaas", "spec", "volumes"), "secret", "secretName") != "rel-kafka-rest-jaas" {
		t.Fatalf("volumes %v", at(pod, "spec", "volumes"))
	}
	if str(named(c, "tls", "volumeMounts"), "mountPath") != "/etc/kafka-rest/tls" || str(named(c, "jaas", "volumeMounts"), "mountPath") != "/etc/kafka-rest/jaas" {
		t.Fatalf("mounts %v", c["volumeMounts"])
	}
	if at(c, "lifecycle") != nil || num(pod, "spec", "terminationGracePeriodSeconds") != 0+13+5 {
		t.Fatalf("no preStop wanted, grace 18 s: %v %v", c["lifecycle"], at(pod, "spec", "terminationGracePeriodSeconds"))
	}
	if str(pod, "metadata", "annotations", "prometheus.io/scheme") != "https" {
		t.Fatal("Prometheus is not told to scrape https")
	}
	cfg := loadRendered(t, m["ConfigMap/rel-kafka-rest"], []string{"KAFKA_REST_ID=p", "KAFKA_REST_CLUSTER_NODE_URL=https://10.1.2.3:8082", "KAFKA_REST_SSL_KEYSTORE_PASSWORD=ks-secret"})
	for k, v := range map[string]string{"listeners": "https://0.0.0.0:8082", "ssl.keystore.location": "/etc/kafka-rest/tls/keystore",
		"ssl.truststore.location": "/etc/kafka-rest/tls/truststore", "ssl.client.authentication": "REQUIRED",
		"java.security.auth.login.config": "/etc/kafka-rest/jaas/jaas.conf", "consumer.instance.timeout.ms": "60000",
		"shutdown.graceful.ms": "12500", "ssl.keystore.password": "ks-secret"} {
		if got := cfg.str(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// TestHelmRefusesIncompleteValues: no brokers, or TLS without a keystore,
// fails the render with what to set.
func TestHelmRefusesIncompleteValues(t *testing.T) {
	if _, err := render(t); err == nil || !strings.Contains(err.Error(), "bootstrapServers is required") {
		t.Fatalf("no bootstrapServers: %v", err)
	}
	if _, err := render(t, "bootstrapServers=k:9092", "tls.enabled=true"); err == nil || !strings.Contains(err.Error(), "tls.enabled needs tls.keystore") {
		t.Fatalf("TLS without a keystore: %v", err)
	}
	m := manifests(t, "bootstrapServers=k:9092", "podDisruptionBudget.enabled=false", "metrics.scrape=false")
	if m["PodDisruptionBudget/rel-kafka-rest"] != nil {
		t.Fatal("a PodDisruptionBudget though disabled")
	}
	if str(at(m["Deployment/rel-kafka-rest"], "spec", "template"), "metadata", "annotations", "prometheus.io/scrape") != "" {
		t.Fatal("scrape annotations though disabled")
	}
}

func keys(m map[string]obj) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
