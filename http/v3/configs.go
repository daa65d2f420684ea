package v3

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// configs serves the configs of topics, brokers and the cluster-wide
// broker defaults: listed, read, set, reset and altered in batches. The
// three share one set of handlers; a configFamily says how each differs.
type configs struct{ *base }

func (s *configs) routes() []rest.Route {
	in := []string{rest.MediaJSON}
	var rs []rest.Route
	for _, f := range []configFamily{s.topicConfigs(), s.brokerConfigs(), s.clusterConfigs()} {
		rs = append(rs,
			rest.Route{Method: "GET", Path: f.path, Name: f.name + ".list", Produces: v3JSON(), Handle: f.list},
			rest.Route{Method: "GET", Path: f.path + "/:name", Name: f.name + ".get", Produces: v3JSON(), Handle: f.get},
			rest.Route{Method: "PUT", Path: f.path + "/:name", Name: f.name + ".update", Produces: v3JSON(), Consumes: in, Handle: f.update},
			rest.Route{Method: "DELETE", Path: f.path + "/:name", Name: f.name + ".delete", Produces: v3JSON(), Handle: f.reset},
			rest.Route{Method: "POST", Path: f.path + ":alter", Name: f.name + ".alter", Produces: v3JSON(), Consumes: in, Handle: f.alter},
		)
	}
	return rs
}

// configScope is the owner of a set of configs as the API shows it: the
// Kafka resource, where its configs live and what their data carry.
type configScope struct {
	res  kafka.ConfigResource
	kind string // of one config: KafkaTopicConfig, ...
	// path is the segments of the config collection under the cluster;
	// crn the resource-name pairs before the config's own, crnKey its key.
	path   []string
	crn    []string
	crnKey string
	// The one field that tells the data of each kind apart.
	topic      *string
	broker     *int32
	configType *string
}

func topicScope(topic string) configScope {
	return configScope{res: kafka.TopicConfigResource(topic), kind: "KafkaTopicConfig",
		path: []string{"topics", topic, "configs"}, crn: []string{"topic", topic}, crnKey: "config", topic: &topic}
}

func brokerScope(id int32) configScope {
	b := strconv.Itoa(int(id))
	return configScope{res: kafka.BrokerConfigResource(id), kind: "KafkaBrokerConfig",
		path: []string{"brokers", b, "configs"}, crn: []string{"broker", b}, crnKey: "config", broker: &id}
}

func clusterScope() configScope {
	t := "BROKER"
	return configScope{res: kafka.ClusterConfigResource(), kind: "KafkaClusterConfig",
		path: []string{"broker-configs"}, crnKey: "broker-config", configType: &t}
}

// configFamily is the routes of one kind of config owner.
type configFamily struct {
	s    *configs
	path string // the collection's route
	name string // the reference's resource name prefix
	// listKind is the kind of a list of its configs.
	listKind string
	// scope reads the owner from the request. With many, the owner "-"
	// is every topic or every broker, and all is true.
	scope func(c *rest.Call, many bool) (sc configScope, all bool, err error)
	// allKind is the resource kind "-" stands for, allSegment its
	// collection's segment, allName the route name of its list, as the
	// reference names it; multiAlter whether "-" can be altered.
	allKind    kafka.ConfigKind
	allSegment string
	allName    string
	multiAlter bool
	// updateMode is how PUT checks the name, resetMode DELETE, alterMode
	// the batch alter.
	updateMode, resetMode, alterMode kafka.AlterMode
}

func (s *configs) topicConfigs() configFamily {
	return configFamily{
		s: s, path: "/v3/clusters/:cluster_id/topics/:topic_name/configs", name: "api.v3.topic-configs",
		listKind: "KafkaTopicConfigList",
		// Where "-" is not every topic, the reference takes it for a
		// topic's name.
		scope: func(c *rest.Call, many bool) (configScope, bool, error) {
			t := c.Param("topic_name")
			return topicScope(t), many && t == "-", nil
		},
		allKind: kafka.ConfigTopic, allSegment: "topics", allName: "api.v3.topic-configs.list", multiAlter: true,
		updateMode: kafka.AlterSafe, resetMode: kafka.AlterSafe, alterMode: kafka.AlterSafe,
	}
}

func (s *configs) brokerConfigs() configFamily {
	return configFamily{
		s: s, path: "/v3/clusters/:cluster_id/brokers/:broker_id/configs", name: "api.v3.broker-configs",
		listKind: "KafkaBrokerConfigList",
		scope: func(c *rest.Call, many bool) (configScope, bool, error) {
			b := c.Param("broker_id")
			if many && b == "-" {
				return configScope{}, true, nil
			}
			id, err := strconv.ParseInt(b, 10, 32)
			if err != nil {
				return configScope{}, false, errNotFound() // not a path of the reference
			}
			return brokerScope(int32(id)), false, nil
		},
		allKind: kafka.ConfigBroker, allSegment: "brokers", allName: "api.v3.brokers-configs.list",
		updateMode: kafka.AlterSafe, resetMode: kafka.AlterSafe, alterMode: kafka.AlterSafe,
	}
}

func (s *configs) clusterConfigs() configFamily {
	return configFamily{
		s: s, path: "/v3/clusters/:cluster_id/broker-configs", name: "api.v3.cluster-configs",
		listKind: "KafkaClusterConfigList",
		scope:    func(*rest.Call, bool) (configScope, bool, error) { return clusterScope(), false, nil },
		// Valid cluster-wide names cannot be listed, so setting one is an
		// upsert; a reset must find it set.
		updateMode: kafka.AlterUnsafe, resetMode: kafka.AlterSafe, alterMode: kafka.AlterUnsafe,
	}
}

// configData is one config. Exactly one of TopicName, BrokerID and
// ConfigType is set, by the owner's kind.
type configData struct {
	Kind        string              `json:"kind"`
	Metadata    resourceMeta        `json:"metadata"`
	ClusterID   string              `json:"cluster_id"`
	TopicName   *string             `json:"topic_name,omitempty"`
	BrokerID    *int32              `json:"broker_id,omitempty"`
	ConfigType  *string             `json:"config_type,omitempty"`
	Name        string              `json:"name"`
	Value       *string             `json:"value"`
	IsDefault   bool                `json:"is_default"`
	IsReadOnly  bool                `json:"is_read_only"`
	IsSensitive bool                `json:"is_sensitive"`
	Source      string              `json:"source"`
	Synonyms    []configSynonymData `json:"synonyms"`
}

type configSynonymData struct {
	Name   string  `json:"name"`
	Value  *string `json:"value"`
	Source string  `json:"source"`
}

func (s *configs) configData(c *rest.Call, clusterID string, sc configScope, e kafka.ConfigEntry) configData {
	d := configData{
		Kind:        sc.kind,
		Metadata:    s.meta(c, clusterID, append(sc.path[:len(sc.path):len(sc.path)], e.Name), append(sc.crn[:len(sc.crn):len(sc.crn)], sc.crnKey, e.Name)...),
		ClusterID:   clusterID,
		TopicName:   sc.topic,
		BrokerID:    sc.broker,
		ConfigType:  sc.configType,
		Name:        e.Name,
		Value:       e.Value,
		IsDefault:   e.IsDefault,
		IsReadOnly:  e.IsReadOnly,
		IsSensitive: e.IsSensitive,
		Source:      e.Source,
		Synonyms:    make([]configSynonymData, 0, len(e.Synonyms)),
	}
	for _, syn := range e.Synonyms {
		d.Synonyms = append(d.Synonyms, configSynonymData{Name: syn.Name, Value: syn.Value, Source: syn.Source})
	}
	return d
}

// owner reads the owner of the configs the request is about, then checks
// the cluster: a broker id that is not a number matches no path of the
// reference, whatever the cluster.
func (f configFamily) owner(c *rest.Call, many bool) (string, configScope, bool, error) {
	sc, all, err := f.scope(c, many)
	if err != nil {
		return "", sc, all, err
	}
	id, err := f.s.cluster(c)
	return id, sc, all, err
}

func (f configFamily) list(c *rest.Call) error {
	id, sc, all, err := f.owner(c, true)
	if err != nil {
		return err
	}
	if all {
		c.Name = f.allName
		owners, err := actors.Admin(c.R.Context(), f.s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.ResourceConfigs, error) {
			return a.AllConfigs(ctx, f.allKind)
		})
		if err != nil {
			return err
		}
		var data []configData
		for _, o := range owners {
			osc := topicScope(o.Resource.Name)
			if o.Resource.Kind == kafka.ConfigBroker {
				osc = brokerScope(o.Resource.Broker)
			}
			for _, e := range o.Configs {
				data = append(data, f.s.configData(c, id, osc, e))
			}
		}
		self := f.s.url(c, id, f.allSegment, "-", "configs")
		return c.JSON(http.StatusOK, newList(f.listKind, self, data))
	}
	configs, err := actors.Admin(c.R.Context(), f.s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.ConfigEntry, error) { return a.Configs(ctx, sc.res) })
	if err != nil {
		return err
	}
	data := make([]configData, 0, len(configs))
	for _, e := range configs {
		data = append(data, f.s.configData(c, id, sc, e))
	}
	return c.JSON(http.StatusOK, newList(f.listKind, f.s.url(c, id, sc.path...), data))
}

func (f configFamily) get(c *rest.Call) error {
	id, sc, _, err := f.owner(c, false)
	if err != nil {
		return err
	}
	configs, err := actors.Admin(c.R.Context(), f.s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.ConfigEntry, error) { return a.Configs(ctx, sc.res) })
	if err != nil {
		return err
	}
	name := c.Param("name")
	for _, e := range configs {
		if e.Name == name {
			return c.JSON(http.StatusOK, f.s.configData(c, id, sc, e))
		}
	}
	return errNotFound()
}

// updateConfigRequest is the body of PUT .../configs/{name}.
type updateConfigRequest struct {
	Value *string `json:"value"`
}

func (f configFamily) update(c *rest.Call) error {
	_, sc, _, err := f.owner(c, false)
	if err != nil {
		return err
	}
	var req updateConfigRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	op := kafka.ConfigOp{Name: c.Param("name"), Value: req.Value}
	if err := f.s.admin.Run(c.R.Context(), func(ctx context.Context, a *kafka.Admin) error {
		return a.AlterConfigs(ctx, sc.res, []kafka.ConfigOp{op}, f.updateMode, false)
	}); err != nil {
		return err
	}
	return noContent(c)
}

func (f configFamily) reset(c *rest.Call) error {
	_, sc, _, err := f.owner(c, false)
	if err != nil {
		return err
	}
	op := kafka.ConfigOp{Name: c.Param("name"), Delete: true}
	if err := f.s.admin.Run(c.R.Context(), func(ctx context.Context, a *kafka.Admin) error {
		return a.AlterConfigs(ctx, sc.res, []kafka.ConfigOp{op}, f.resetMode, false)
	}); err != nil {
		return err
	}
	return noContent(c)
}

// alterEntry is one change of an alter batch: a SET (the default) or a
// DELETE of a config.
type alterEntry struct {
	Name      *string `json:"name"`
	Value     *string `json:"value"`
	Operation *string `json:"operation"`
}

// alterBatchRequest is the body of POST .../configs:alter.
type alterBatchRequest struct {
	Data         *[]*alterEntry `json:"data"`
	ValidateOnly *bool          `json:"validate_only"`
}

// topicsAlterRequest is the body of POST .../topics/-/configs:alter.
type topicsAlterRequest struct {
	Data         *[]*topicAlterEntry `json:"data"`
	ValidateOnly *bool               `json:"validate_only"`
}

type topicAlterEntry struct {
	TopicName *string        `json:"topic_name"`
	Configs   *[]*alterEntry `json:"configs"`
}

// topicsAlterResponse is the 207 answer of a multi-topic alter some of
// whose topics Kafka refused.
type topicsAlterResponse struct {
	Failures []topicAlterFailure `json:"failures"`
}

type topicAlterFailure struct {
	TopicName string `json:"topic_name"`
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

func (f configFamily) alter(c *rest.Call) error {
	_, sc, all, err := f.owner(c, f.multiAlter)
	if err != nil {
		return err
	}
	if all {
		c.Name = "api.v3.topic-configs.alter-multi"
		return f.alterTopics(c)
	}
	var req alterBatchRequest
	if err := decodeAlterBody(c, &req); err != nil {
		return err
	}
	ops, err := alterOps(req.Data, "data")
	if err != nil {
		return err
	}
	// Every batch alter honours validate_only: the reference's broker and
	// cluster alters read it and then change the configs anyway, and a
	// client asking for a dry run never means that.
	validateOnly := req.ValidateOnly != nil && *req.ValidateOnly
	if err := f.s.admin.Run(c.R.Context(), func(ctx context.Context, a *kafka.Admin) error {
		return a.AlterConfigs(ctx, sc.res, ops, f.alterMode, validateOnly)
	}); err != nil {
		return err
	}
	return noContent(c)
}

func (f configFamily) alterTopics(c *rest.Call) error {
	var req topicsAlterRequest
	if err := decodeAlterBody(c, &req); err != nil {
		return err
	}
	if req.Data == nil {
		return errMissing("data")
	}
	alters := make([]kafka.TopicConfigAlter, 0, len(*req.Data))
	for _, e := range *req.Data {
		if e == nil || e.TopicName == nil {
			return errMissing("data[].topic_name")
		}
		ops, err := alterOps(e.Configs, "data[].configs")
		if err != nil {
			return err
		}
		alters = append(alters, kafka.TopicConfigAlter{Topic: *e.TopicName, Ops: ops})
	}
	failures, err := actors.Admin(c.R.Context(), f.s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.TopicAlterFailure, error) {
		return a.AlterTopicsConfigs(ctx, alters, req.ValidateOnly != nil && *req.ValidateOnly)
	})
	if err != nil {
		return err
	}
	if len(failures) == 0 {
		return noContent(c)
	}
	res := topicsAlterResponse{Failures: make([]topicAlterFailure, 0, len(failures))}
	for _, fl := range failures {
		res.Failures = append(res.Failures, topicAlterFailure{TopicName: fl.Topic, ErrorCode: fl.Err.Code, Message: fl.Err.Message})
	}
	return c.JSON(http.StatusMultiStatus, res)
}

// decodeAlterBody reads an alter batch: the reference answers a missing or
// null one with its own wording of 42206.
func decodeAlterBody(c *rest.Call, v any) error {
	b, err := c.Body()
	if err != nil {
		return err
	}
	if rest.EmptyBody(b) {
		return apierr.New(apierr.CodeInvalidPayload, "Payload error. Null input provided. Data is required.")
	}
	return rest.DecodeBytes(b, v)
}

// alterOps checks the entries of an alter batch, found at field, and turns
// them into changes. The reference's JSON binding refuses what this
// refuses, with a 400.
func alterOps(entries *[]*alterEntry, field string) ([]kafka.ConfigOp, error) {
	if entries == nil {
		return nil, errMissing(field)
	}
	ops := make([]kafka.ConfigOp, 0, len(*entries))
	for _, e := range *entries {
		if e == nil || e.Name == nil {
			return nil, errMissing(field + "[].name")
		}
		op := kafka.ConfigOp{Name: *e.Name, Value: e.Value}
		switch {
		case e.Operation == nil || *e.Operation == "SET":
		case *e.Operation == "DELETE":
			op.Delete = true
		default:
			return nil, apierr.New(apierr.CodeBadRequest, "Bad Request: %s[].operation must be one of SET, DELETE, not '%s'.", field, *e.Operation)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func errMissing(field string) error {
	return apierr.New(apierr.CodeBadRequest, "Bad Request: %s is required.", field)
}

// noContent answers 204 with no body.
func noContent(c *rest.Call) error {
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

// ConfigTypeNotFound is the reference's answer to /v3/clusters/{id}/<x>-configs
// for any x but broker: the path is /{config_type}-configs there, and
// config_type an enum whose only value is broker. The router cannot hold a
// parameter beside the static segments at that position, so its 404
// handler asks this; nil means the path is not such a one.
func ConfigTypeNotFound(path string) error {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(segs) < 4 || segs[0] != "v3" || segs[1] != "clusters" {
		return nil
	}
	// {config_type}-configs, .../{name} and ...:alter are its paths.
	seg := segs[3]
	switch len(segs) {
	case 4:
		// ServeHTTP rewrites the ':' of the actions it knows.
		if t, ok := strings.CutSuffix(seg, ":alter"); ok {
			seg = t
		} else if t, ok := strings.CutSuffix(seg, "~alter"); ok {
			seg = t
		}
	case 5:
		if segs[4] == "" {
			return nil
		}
	default:
		return nil
	}
	typ, ok := strings.CutSuffix(seg, "-configs")
	if !ok || typ == "" || strings.EqualFold(typ, "broker") {
		return nil
	}
	return apierr.New(apierr.CodeNotFound, "The valid values for Type do not include '%s'", typ)
}
