package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// ConfigKind is what a set of configs belongs to.
type ConfigKind int8

// The config resources of the v3 API.
const (
	// ConfigTopic is one topic's configs.
	ConfigTopic ConfigKind = iota
	// ConfigBroker is one broker's configs.
	ConfigBroker
	// ConfigCluster is the cluster-wide dynamic broker defaults: Kafka's
	// BROKER resource with the empty name.
	ConfigCluster
)

// ConfigResource names the owner of a set of configs.
type ConfigResource struct {
	Kind ConfigKind
	// Name is the topic name or the broker id; empty for ConfigCluster.
	Name string
	// Broker is the broker id of a ConfigBroker resource.
	Broker int32
}

// TopicConfigResource is the configs of topic.
func TopicConfigResource(topic string) ConfigResource {
	return ConfigResource{Kind: ConfigTopic, Name: topic}
}

// BrokerConfigResource is the configs of broker id.
func BrokerConfigResource(id int32) ConfigResource {
	return ConfigResource{Kind: ConfigBroker, Name: strconv.Itoa(int(id)), Broker: id}
}

// ClusterConfigResource is the cluster-wide dynamic broker configs.
func ClusterConfigResource() ConfigResource { return ConfigResource{Kind: ConfigCluster} }

func (r ConfigResource) kmsgType() kmsg.ConfigResourceType {
	if r.Kind == ConfigTopic {
		return kmsg.ConfigResourceTypeTopic
	}
	return kmsg.ConfigResourceTypeBroker
}

// typeName is the name of the resource's type in the reference's messages
// (Kafka's ConfigResource.Type).
func (r ConfigResource) typeName() string {
	if r.Kind == ConfigTopic {
		return "TOPIC"
	}
	return "BROKER"
}

// ConfigSynonym is a value a config falls back to.
type ConfigSynonym struct {
	Name   string
	Value  *string
	Source string
}

// ConfigEntry is one config of a resource, in the reference's terms.
type ConfigEntry struct {
	Name string
	// Value is nil when Kafka has none or the config is sensitive.
	Value       *string
	IsDefault   bool
	IsReadOnly  bool
	IsSensitive bool
	// Source is one of the reference's ConfigSource names
	// (DYNAMIC_TOPIC_CONFIG, DEFAULT_CONFIG, ..., UNKNOWN).
	Source   string
	Synonyms []ConfigSynonym
}

// ResourceConfigs is the configs of one resource.
type ResourceConfigs struct {
	Resource ConfigResource
	Configs  []ConfigEntry
}

// ConfigOp is one change of an alter: a SET of Value, or a DELETE (a reset
// to the default) when Delete is true.
type ConfigOp struct {
	Name   string
	Value  *string
	Delete bool
}

// AlterMode says how an alter checks its config names.
type AlterMode int8

const (
	// AlterSafe checks that every name is a config of the resource first,
	// answering 404 "Config X cannot be found for ..." otherwise.
	AlterSafe AlterMode = iota
	// AlterUnsafe sends the change as it is: the reference's upserts of
	// cluster-wide configs, whose valid names cannot be listed.
	AlterUnsafe
)

// TopicConfigAlter is the changes to one topic in a multi-topic alter.
type TopicConfigAlter struct {
	Topic string
	Ops   []ConfigOp
}

// TopicAlterFailure is a topic whose changes Kafka refused.
type TopicAlterFailure struct {
	Topic string
	Err   *apierr.Error
}

// Configs describes the configs of r, sorted by name. A missing topic is
// Kafka's UnknownTopicOrPartition; a broker not in the cluster is 404
// "Broker N cannot be found.". The cluster-wide resource lists only the
// configs set dynamically for the whole cluster.
func (a *Admin) Configs(ctx context.Context, r ConfigResource) ([]ConfigEntry, error) {
	if r.Kind == ConfigBroker {
		if err := a.checkBroker(ctx, r.Broker); err != nil {
			return nil, err
		}
	}
	all, err := a.describeConfigs(ctx, []ConfigResource{r}, false)
	if err != nil {
		return nil, err
	}
	return all[0].Configs, nil
}

// AllConfigs describes the configs of every topic (internal ones excluded)
// or every broker, by kind: resources in name or id order, each one's
// configs by name.
func (a *Admin) AllConfigs(ctx context.Context, kind ConfigKind) ([]ResourceConfigs, error) {
	var rs []ConfigResource
	switch kind {
	case ConfigTopic:
		topics, err := a.adm.ListTopics(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range topics.Names() {
			rs = append(rs, TopicConfigResource(t))
		}
	case ConfigBroker:
		info, err := a.Cluster(ctx)
		if err != nil {
			return nil, err
		}
		ids := make([]int32, 0, len(info.Brokers))
		for _, b := range info.Brokers {
			ids = append(ids, b.ID)
		}
		slices.Sort(ids)
		for _, id := range ids {
			rs = append(rs, BrokerConfigResource(id))
		}
	default:
		return nil, fmt.Errorf("listing all configs of kind %d: not a kind with many resources", kind)
	}
	if len(rs) == 0 {
		return nil, nil
	}
	// A topic deleted since the listing is no longer one of all topics.
	return a.describeConfigs(ctx, rs, true)
}

// AlterConfigs applies ops to r in one IncrementalAlterConfigs request, or
// only validates them when validateOnly is set. In AlterSafe mode every
// name must be a config of r.
func (a *Admin) AlterConfigs(ctx context.Context, r ConfigResource, ops []ConfigOp, mode AlterMode, validateOnly bool) error {
	if err := checkConfigOps(ops); err != nil {
		return err
	}
	if r.Kind == ConfigBroker {
		if err := a.checkBroker(ctx, r.Broker); err != nil {
			return err
		}
	}
	if mode == AlterSafe {
		if err := a.checkConfigNames(ctx, []ConfigResource{r}, [][]ConfigOp{ops}); err != nil {
			return err
		}
	}
	res, err := a.alterConfigs(ctx, []ConfigResource{r}, [][]ConfigOp{ops}, validateOnly)
	if err != nil {
		return err
	}
	if res[0] != nil {
		return res[0]
	}
	return nil
}

// AlterTopicsConfigs applies the changes of several topics in one
// IncrementalAlterConfigs request (a dry run when validateOnly is set).
// Every topic must exist and every name be one of its configs, else
// nothing is sent and the error says which; the topics Kafka then refuses
// are returned as failures, in request order. A topic named twice gets the
// changes of its last entry.
func (a *Admin) AlterTopicsConfigs(ctx context.Context, alters []TopicConfigAlter, validateOnly bool) ([]TopicAlterFailure, error) {
	var rs []ConfigResource
	var ops [][]ConfigOp
	at := make(map[string]int)
	for _, alt := range alters {
		if err := checkConfigOps(alt.Ops); err != nil {
			return nil, err
		}
		if i, ok := at[alt.Topic]; ok {
			ops[i] = alt.Ops
			continue
		}
		at[alt.Topic] = len(rs)
		rs = append(rs, TopicConfigResource(alt.Topic))
		ops = append(ops, alt.Ops)
	}
	if len(rs) == 0 {
		return nil, nil
	}
	if err := a.checkConfigNames(ctx, rs, ops); err != nil {
		return nil, err
	}
	res, err := a.alterConfigs(ctx, rs, ops, validateOnly)
	if err != nil {
		return nil, err
	}
	var failures []TopicAlterFailure
	for i, e := range res {
		if e != nil {
			failures = append(failures, TopicAlterFailure{Topic: rs[i].Name, Err: e})
		}
	}
	return failures, nil
}

// checkConfigOps refuses a name or value longer than a Kafka request
// carries, which a broker answers by closing the connection.
func checkConfigOps(ops []ConfigOp) error {
	for _, op := range ops {
		if r := configStringsRefusal(op.Name, op.Value); r != nil {
			return r.rest()
		}
	}
	return nil
}

// checkBroker answers 404 "Broker N cannot be found." unless broker id is
// in the cluster: Kafka itself has no answer for a request to a broker that
// does not exist.
func (a *Admin) checkBroker(ctx context.Context, id int32) error {
	info, err := a.Cluster(ctx)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(info.Brokers, func(b Broker) bool { return b.ID == id }) {
		return nil
	}
	return apierr.New(apierr.CodeNotFound, "Broker %d cannot be found.", id)
}

// checkConfigNames is the reference's existence check before a safe alter:
// every name of ops[i] must be a config of rs[i].
func (a *Admin) checkConfigNames(ctx context.Context, rs []ConfigResource, ops [][]ConfigOp) error {
	described, err := a.describeConfigs(ctx, rs, false)
	if err != nil {
		return err
	}
	var clusterID string
	for i, rc := range described {
		for _, op := range ops[i] {
			if slices.ContainsFunc(rc.Configs, func(c ConfigEntry) bool { return c.Name == op.Name }) {
				continue
			}
			if clusterID == "" {
				if clusterID, err = a.ClusterID(ctx); err != nil {
					return err
				}
			}
			return apierr.New(apierr.CodeNotFound, "Config %s cannot be found for %s %s in cluster %s.",
				op.Name, rs[i].typeName(), rs[i].Name, clusterID)
		}
	}
	return nil
}

// describeConfigs describes rs with synonyms, answering in the order of rs;
// with skipMissing, a topic that does not exist is left out rather than
// failing the whole. kadm's DescribeTopicConfigs leaves out whether a
// config is read-only, so this speaks the protocol itself.
func (a *Admin) describeConfigs(ctx context.Context, rs []ConfigResource, skipMissing bool) ([]ResourceConfigs, error) {
	req := kmsg.NewPtrDescribeConfigsRequest()
	req.IncludeSynonyms = true
	for _, r := range rs {
		rr := kmsg.NewDescribeConfigsRequestResource()
		rr.ResourceType, rr.ResourceName = r.kmsgType(), r.Name
		req.Resources = append(req.Resources, rr)
	}
	answers, err := inOrder(ctx, a.cl, req, rs, "describing", func(resp *kmsg.DescribeConfigsResponse) []kmsg.DescribeConfigsResponseResource {
		return resp.Resources
	}, func(rr *kmsg.DescribeConfigsResponseResource) (kmsg.ConfigResourceType, string) {
		return rr.ResourceType, rr.ResourceName
	})
	if err != nil {
		return nil, err
	}
	out := make([]ResourceConfigs, 0, len(rs))
	for i, r := range rs {
		rr := answers[i]
		err := kerr.ErrorForCode(rr.ErrorCode)
		if skipMissing && errors.Is(err, kerr.UnknownTopicOrPartition) {
			continue
		}
		if err != nil {
			return nil, WithMessage(fmt.Errorf("describing the configs of %s %q: %w", r.typeName(), r.Name, err), derefString(rr.ErrorMessage))
		}
		out = append(out, ResourceConfigs{Resource: r, Configs: toConfigs(r, rr.Configs)})
	}
	return out, nil
}

// alterConfigs sends one IncrementalAlterConfigs for rs, rs[i] getting
// ops[i], and returns each resource's error (nil when Kafka took it).
func (a *Admin) alterConfigs(ctx context.Context, rs []ConfigResource, ops [][]ConfigOp, validateOnly bool) ([]*apierr.Error, error) {
	req := kmsg.NewPtrIncrementalAlterConfigsRequest()
	req.ValidateOnly = validateOnly
	for i, r := range rs {
		rr := kmsg.NewIncrementalAlterConfigsRequestResource()
		rr.ResourceType, rr.ResourceName = r.kmsgType(), r.Name
		for _, op := range ops[i] {
			rc := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
			rc.Name, rc.Value, rc.Op = op.Name, op.Value, kmsg.IncrementalAlterConfigOpSet
			if op.Delete {
				rc.Value, rc.Op = nil, kmsg.IncrementalAlterConfigOpDelete
			}
			rr.Configs = append(rr.Configs, rc)
		}
		req.Resources = append(req.Resources, rr)
	}
	answers, err := inOrder(ctx, a.cl, req, rs, "altering", func(resp *kmsg.IncrementalAlterConfigsResponse) []kmsg.IncrementalAlterConfigsResponseResource {
		return resp.Resources
	}, func(rr *kmsg.IncrementalAlterConfigsResponseResource) (kmsg.ConfigResourceType, string) {
		return rr.ResourceType, rr.ResourceName
	})
	if err != nil {
		return nil, err
	}
	out := make([]*apierr.Error, len(rs))
	for i, r := range rs {
		rr := answers[i]
		if err := kerr.ErrorForCode(rr.ErrorCode); err != nil {
			out[i] = WithMessage(fmt.Errorf("altering the configs of %s %q: %w", r.typeName(), r.Name, err), derefString(rr.ErrorMessage))
		}
	}
	return out, nil
}

// inOrder sends req, a request about the config resources rs that the
// client splits among brokers, and returns the answer about each of rs, in
// the order of rs: answers reads a response's, and key the resource an
// answer is about. doing names the request in errors.
func inOrder[R kmsg.Response, A any](ctx context.Context, cl *kgo.Client, req kmsg.Request, rs []ConfigResource, doing string,
	answers func(R) []A, key func(*A) (kmsg.ConfigResourceType, string),
) ([]*A, error) {
	type resource struct {
		t    kmsg.ConfigResourceType
		name string
	}
	got := make(map[resource]*A)
	for _, shard := range cl.RequestSharded(ctx, req) {
		if shard.Err != nil {
			return nil, shard.Err
		}
		as := answers(shard.Resp.(R))
		for i := range as {
			t, name := key(&as[i])
			got[resource{t, name}] = &as[i]
		}
	}
	out := make([]*A, len(rs))
	for i, r := range rs {
		a, ok := got[resource{r.kmsgType(), r.Name}]
		if !ok {
			return nil, fmt.Errorf("%s the configs of %s %q: Kafka did not answer for it", doing, r.typeName(), r.Name)
		}
		out[i] = a
	}
	return out, nil
}

// toConfigs turns Kafka's description of r into the reference's configs,
// sorted by name.
func toConfigs(r ConfigResource, kcs []kmsg.DescribeConfigsResponseResourceConfig) []ConfigEntry {
	cs := make([]ConfigEntry, 0, len(kcs))
	for _, kc := range kcs {
		source := configSource(kc.Source)
		// Kafka answers the cluster-wide resource with its dynamic
		// defaults only; kfake answers it with the whole broker view,
		// where cluster-wide values show as DYNAMIC_BROKER_CONFIG.
		if r.Kind == ConfigCluster && source != "DYNAMIC_DEFAULT_BROKER_CONFIG" && source != "DYNAMIC_BROKER_CONFIG" {
			continue
		}
		c := ConfigEntry{
			Name:        kc.Name,
			Value:       kc.Value,
			IsDefault:   kc.Source == kmsg.ConfigSourceDefaultConfig, // as the Java client derives it
			IsReadOnly:  kc.ReadOnly,
			IsSensitive: kc.IsSensitive,
			Source:      source,
			Synonyms:    make([]ConfigSynonym, 0, len(kc.ConfigSynonyms)),
		}
		for _, s := range kc.ConfigSynonyms {
			syn := ConfigSynonym{Name: s.Name, Value: s.Value, Source: configSource(s.Source)}
			if c.IsSensitive {
				syn.Value = nil
			}
			c.Synonyms = append(c.Synonyms, syn)
		}
		if c.IsSensitive {
			c.Value = nil // brokers already elide it; never let one through
		}
		cs = append(cs, c)
	}
	slices.SortStableFunc(cs, func(x, y ConfigEntry) int { return strings.Compare(x.Name, y.Name) })
	return cs
}

// configSource is the reference's name of a Kafka config source: the Java
// client's enum name where the REST API has it, else UNKNOWN.
func configSource(s kmsg.ConfigSource) string {
	switch s {
	case kmsg.ConfigSourceDynamicTopicConfig:
		return "DYNAMIC_TOPIC_CONFIG"
	case kmsg.ConfigSourceDynamicBrokerConfig:
		return "DYNAMIC_BROKER_CONFIG"
	case kmsg.ConfigSourceDynamicDefaultBrokerConfig:
		return "DYNAMIC_DEFAULT_BROKER_CONFIG"
	case kmsg.ConfigSourceStaticBrokerConfig:
		return "STATIC_BROKER_CONFIG"
	case kmsg.ConfigSourceDefaultConfig:
		return "DEFAULT_CONFIG"
	case kmsg.ConfigSourceDynamicBrokerLoggerConfig:
		return "DYNAMIC_BROKER_LOGGER_CONFIG"
	}
	return "UNKNOWN"
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
