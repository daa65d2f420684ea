package http

import (
	nethttp "net/http"
	"strconv"
	"strings"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// The configs of topics, brokers and the cluster-wide broker defaults:
// listed, read, set, reset and altered in batches. The three share one set
// of handlers; a configFamily says how each differs.

func (s *Server) v3ConfigRoutes() []route {
	v3JSON := []offer{{mediaJSON, 1}}
	in := []string{mediaJSON}
	var rs []route
	for _, f := range []configFamily{s.topicConfigs(), s.brokerConfigs(), s.clusterConfigs()} {
		rs = append(rs,
			route{method: "GET", path: f.path, name: f.name + ".list", produces: v3JSON, handle: f.list},
			route{method: "GET", path: f.path + "/:name", name: f.name + ".get", produces: v3JSON, handle: f.get},
			route{method: "PUT", path: f.path + "/:name", name: f.name + ".update", produces: v3JSON, consumes: in, handle: f.update},
			route{method: "DELETE", path: f.path + "/:name", name: f.name + ".delete", produces: v3JSON, handle: f.reset},
			route{method: "POST", path: f.path + ":alter", name: f.name + ".alter", produces: v3JSON, consumes: in, handle: f.alter},
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
	s    *Server
	path string // the collection's route
	name string // the reference's resource name prefix
	// listKind is the kind of a list of its configs.
	listKind string
	// scope reads the owner from the request. With many, the owner "-"
	// is every topic or every broker, and all is true.
	scope func(c *call, many bool) (sc configScope, all bool, err error)
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

func (s *Server) topicConfigs() configFamily {
	return configFamily{
		s: s, path: "/v3/clusters/:cluster_id/topics/:topic_name/configs", name: "api.v3.topic-configs",
		listKind: "KafkaTopicConfigList",
		// Where "-" is not every topic, the reference takes it for a
		// topic's name.
		scope: func(c *call, many bool) (configScope, bool, error) {
			t := c.param("topic_name")
			return topicScope(t), many && t == "-", nil
		},
		allKind: kafka.ConfigTopic, allSegment: "topics", allName: "api.v3.topic-configs.list", multiAlter: true,
		updateMode: kafka.AlterSafe, resetMode: kafka.AlterSafe, alterMode: kafka.AlterSafe,
	}
}

func (s *Server) brokerConfigs() configFamily {
	return configFamily{
		s: s, path: "/v3/clusters/:cluster_id/brokers/:broker_id/configs", name: "api.v3.broker-configs",
		listKind: "KafkaBrokerConfigList",
		scope: func(c *call, many bool) (configScope, bool, error) {
			b := c.param("broker_id")
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

func (s *Server) clusterConfigs() configFamily {
	return configFamily{
		s: s, path: "/v3/clusters/:cluster_id/broker-configs", name: "api.v3.cluster-configs",
		listKind: "KafkaClusterConfigList",
		scope:    func(*call, bool) (configScope, bool, error) { return clusterScope(), false, nil },
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

func (s *Server) configData(c *call, clusterID string, sc configScope, e kafka.ConfigEntry) configData {
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
func (f configFamily) owner(c *call, many bool) (string, configScope, bool, error) {
	sc, all, err := f.scope(c, many)
	if err != nil {
		return "", sc, all, err
	}
	id, err := f.s.cluster(c)
	return id, sc, all, err
}

func (f configFamily) list(c *call) error {
	id, sc, all, err := f.owner(c, true)
	if err != nil {
		return err
	}
	if all {
		c.name = f.allName
		owners, err := f.s.sys.AllConfigs(c.r.Context(), f.allKind)
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
		self := f.s.v3URL(c, id, f.allSegment, "-", "configs")
		return c.json(nethttp.StatusOK, newList(f.listKind, self, data))
	}
	configs, err := f.s.sys.Configs(c.r.Context(), sc.res)
	if err != nil {
		return err
	}
	data := make([]configData, 0, len(configs))
	for _, e := range configs {
		data = append(data, f.s.configData(c, id, sc, e))
	}
	return c.json(nethttp.StatusOK, newList(f.listKind, f.s.v3URL(c, id, sc.path...), data))
}

func (f configFamily) get(c *call) error {
	id, sc, _, err := f.owner(c, false)
	if err != nil {
		return err
	}
	configs, err := f.s.sys.Configs(c.r.Context(), sc.res)
	if err != nil {
		return err
	}
	name := c.param("name")
	for _, e := range configs {
		if e.Name == name {
			return c.json(nethttp.StatusOK, f.s.configData(c, id, sc, e))
		}
	}
	return errNotFound()
}

// updateConfigRequest is the body of PUT .../configs/{name}.
type updateConfigRequest struct {
	Value *string `json:"value"`
}

func (f configFamily) update(c *call) error {
	_, sc, _, err := f.owner(c, false)
	if err != nil {
		return err
	}
	var req updateConfigRequest
	if err := c.decodeV3(&req); err != nil {
		return err
	}
	op := kafka.ConfigOp{Name: c.param("name"), Value: req.Value}
	if err := f.s.sys.AlterConfigs(c.r.Context(), sc.res, []kafka.ConfigOp{op}, f.updateMode, false); err != nil {
		return err
	}
	return noContent(c)
}

func (f configFamily) reset(c *call) error {
	_, sc, _, err := f.owner(c, false)
	if err != nil {
		return err
	}
	op := kafka.ConfigOp{Name: c.param("name"), Delete: true}
	if err := f.s.sys.AlterConfigs(c.r.Context(), sc.res, []kafka.ConfigOp{op}, f.resetMode, false); err != nil {
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

func (f configFamily) alter(c *call) error {
	_, sc, all, err := f.owner(c, f.multiAlter)
	if err != nil {
		return err
	}
	if all {
		c.name = "api.v3.topic-configs.alter-multi"
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
	if err := f.s.sys.AlterConfigs(c.r.Context(), sc.res, ops, f.alterMode, validateOnly); err != nil {
		return err
	}
	return noContent(c)
}

func (f configFamily) alterTopics(c *call) error {
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
	failures, err := f.s.sys.AlterTopicsConfigs(c.r.Context(), alters, req.ValidateOnly != nil && *req.ValidateOnly)
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
	return c.json(nethttp.StatusMultiStatus, res)
}

// decodeAlterBody reads an alter batch: the reference answers a missing or
// null one with its own wording of 42206.
func decodeAlterBody(c *call, v any) error {
	b, err := c.body()
	if err != nil {
		return err
	}
	if emptyBody(b) {
		return apierr.New(apierr.CodeInvalidPayload, "Payload error. Null input provided. Data is required.")
	}
	return c.decodeBytes(b, v)
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
func noContent(c *call) error {
	c.w.WriteHeader(nethttp.StatusNoContent)
	return nil
}

// configTypeNotFound is the reference's answer to /v3/clusters/{id}/<x>-configs
// for any x but broker: the path is /{config_type}-configs there, and
// config_type an enum whose only value is broker. The router cannot hold a
// parameter beside the static segments at that position, so its 404
// handler asks this; nil means the path is not such a one.
func (s *Server) configTypeNotFound(path string) error {
	if !s.cfg.V3 {
		return nil
	}
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
