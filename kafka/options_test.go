package kafka

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// TestOptionsRoleOverride: the role's prefix wins over client.*, and a key
// only means something for the roles it belongs to.
func TestOptionsRoleOverride(t *testing.T) {
	c := Config{BootstrapServers: []string{"SASL_SSL://k1:9093", " k2:9092 "}, Properties: map[string]string{
		"client.client.id":      "shared",
		"producer.client.id":    "the-producer",
		"producer.linger.ms":    "7",
		"consumer.linger.ms":    "9", // not a consumer property
		"admin.fetch.max.bytes": "1",
	}}
	cl := newClient(t, c, RoleProducer)
	defer cl.Close()
	if got := cl.OptValue(kgo.ClientID); got != "the-producer" {
		t.Errorf("producer client.id %v", got)
	}
	if got := cl.OptValue(kgo.ProducerLinger); got != 7*time.Millisecond {
		t.Errorf("producer linger %v", got)
	}
	if got := cl.OptValue(kgo.SeedBrokers); !reflect.DeepEqual(got, []string{"k1:9093", "k2:9092"}) {
		t.Errorf("seed brokers %v", got)
	}
	ignored, err := c.Check()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"admin.fetch.max.bytes", "consumer.linger.ms"}; !reflect.DeepEqual(ignored, want) {
		t.Errorf("ignored %v, want %v", ignored, want)
	}
}

func TestOptionsSASL(t *testing.T) {
	for _, mech := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		module := "org.apache.kafka.common.security.scram.ScramLoginModule"
		if mech == "PLAIN" {
			module = "org.apache.kafka.common.security.plain.PlainLoginModule"
		}
		c := Config{BootstrapServers: []string{"k:9092"}, Properties: map[string]string{
			"client.security.protocol": "SASL_PLAINTEXT",
			"client.sasl.mechanism":    strings.ToLower(mech),
			"client.sasl.jaas.config":  module + ` required username="u" password="p";`,
		}}
		opts, err := c.Options(RoleAdmin)
		if err != nil {
			t.Fatalf("%s: %v", mech, err)
		}
		cl, err := kgo.NewClient(opts...)
		if err != nil {
			t.Fatal(err)
		}
		mechs := cl.OptValues(kgo.SASL)
		if len(mechs) != 1 {
			t.Fatalf("%s: SASL option %v", mech, mechs)
		}
		cl.Close()
	}
}

func TestOptionsTLSFromPEM(t *testing.T) {
	dir := t.TempDir()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	kder, _ := x509.MarshalECPrivateKey(key)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
	trust := filepath.Join(dir, "ca.pem")
	keystore := filepath.Join(dir, "client.pem")
	os.WriteFile(trust, certPEM, 0o600)
	os.WriteFile(keystore, append(append([]byte{}, certPEM...), keyPEM...), 0o600)

	b, err := Config{Properties: map[string]string{
		"client.security.protocol":                     "SSL",
		"client.ssl.truststore.location":               trust,
		"client.ssl.keystore.location":                 keystore,
		"client.ssl.endpoint.identification.algorithm": "",
	}}.build(RoleProducer, nil)
	if err != nil {
		t.Fatal(err)
	}
	var cfg = b.tls
	tc, err := cfg.config()
	if err != nil {
		t.Fatal(err)
	}
	if tc.RootCAs == nil || len(tc.Certificates) != 1 || !tc.InsecureSkipVerify || tc.VerifyPeerCertificate == nil {
		t.Fatalf("tls config %+v", tc)
	}
	// The chain is still verified without a host name check.
	if err := tc.VerifyPeerCertificate([][]byte{der}, nil); err != nil {
		t.Fatalf("own CA's certificate rejected: %v", err)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	stranger, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &other.PublicKey, other)
	if err := tc.VerifyPeerCertificate([][]byte{stranger}, nil); err == nil {
		t.Fatal("a certificate from an unknown CA was accepted")
	}
}

func TestTranslate(t *testing.T) {
	cases := []struct {
		err          error
		status, code int
		msg          string
	}{
		{kerr.UnknownTopicOrPartition, 404, 40403, "This server does not host this topic-partition."},
		{kerr.TopicAlreadyExists, 400, 40002, "Topic with this name already exists."},
		{kerr.TopicAuthorizationFailed, 403, 40301, kerr.TopicAuthorizationFailed.Description},
		{kerr.SaslAuthenticationFailed, 401, 40101, kerr.SaslAuthenticationFailed.Description},
		{kerr.MessageTooLarge, 413, 413, kerr.MessageTooLarge.Description},
		{kerr.ThrottlingQuotaExceeded, 429, 42901, kerr.ThrottlingQuotaExceeded.Description},
		{kerr.BrokerNotAvailable, 503, 50302, kerr.BrokerNotAvailable.Description},
		{kerr.NotLeaderForPartition, 500, 50003, kerr.NotLeaderForPartition.Description},
		{kerr.DuplicateSequenceNumber, 500, 50002, kerr.DuplicateSequenceNumber.Description},
		{context.DeadlineExceeded, 500, 50003, "Timed out waiting for the Kafka cluster. Check that bootstrap.servers is reachable."},
		{kgo.ErrRecordRetries, 500, 50003, "Kafka did not acknowledge the record in time: " + kgo.ErrRecordRetries.Error()},
		{ErrDeliveryTimeout("t", 1500*time.Millisecond, context.DeadlineExceeded), 500, 50003, "Expiring the record for topic t: 1500 ms has passed since it was sent without an answer from Kafka (producer.delivery.timeout.ms); it may or may not have been written."},
		{apierr.New(40902, "Consumer with specified consumer ID already exists in the specified consumer group."), 409, 40902, "Consumer with specified consumer ID already exists in the specified consumer group."},
	}
	for _, tc := range cases {
		e := Translate(tc.err)
		if e.Status != tc.status || e.Code != tc.code || e.Message != tc.msg {
			t.Errorf("%v: got %d %d %q, want %d %d %q", tc.err, e.Status, e.Code, e.Message, tc.status, tc.code, tc.msg)
		}
	}
	if Translate(nil) != nil {
		t.Error("Translate(nil) is not nil")
	}
	if e := WithMessage(kerr.TopicAlreadyExists, "Topic 't' already exists."); e.Code != 40002 || e.Message != "Topic 't' already exists." {
		t.Errorf("WithMessage: %+v", e)
	}
}

func TestProducerDeliveryTimeout(t *testing.T) {
	for _, tc := range []struct {
		props map[string]string
		want  time.Duration
	}{
		{nil, DefaultDeliveryTimeout},
		{map[string]string{"producer.delivery.timeout.ms": "1500"}, 1500 * time.Millisecond},
		{map[string]string{"client.delivery.timeout.ms": "2000"}, 2 * time.Second},
	} {
		p, err := NewProducer(Config{BootstrapServers: []string{"127.0.0.1:1"}, Properties: tc.props})
		if err != nil {
			t.Fatalf("%v: %v", tc.props, err)
		}
		if got := p.DeliveryTimeout(); got != tc.want {
			t.Errorf("%v: delivery timeout %v, want %v", tc.props, got, tc.want)
		}
		p.Close()
	}
	for _, v := range []string{"0", "-1", "x", "2147483648"} {
		_, err := NewProducer(Config{BootstrapServers: []string{"127.0.0.1:1"}, Properties: map[string]string{"producer.delivery.timeout.ms": v}})
		if err == nil || !strings.Contains(err.Error(), "producer.delivery.timeout.ms") {
			t.Errorf("delivery.timeout.ms=%s: %v, want an error naming the key", v, err)
		}
	}
}
