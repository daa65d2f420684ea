package embedded

import (
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/kafka-rest-go/kafka-rest/kafka"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// guard makes the embedded cluster refuse, with Kafka's answers,
// the administrative requests it would otherwise carry out and not survive,
// whoever sends them (the proxy checks its own first; native tools reach
// the cluster directly): more partitions in one request than Kafka
// creates, which kfake would allocate until memory runs out while every
// other request waits, and broker configs that would stop its timers and
// with them the process.
func guard(c *kfake.Cluster, defaultPartitions int32) {
	c.ControlKey(int16(kmsg.CreateTopics), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		req := kreq.(*kmsg.CreateTopicsRequest)
		r := kafka.CreateTopicsRefusal(req, defaultPartitions)
		if r == nil {
			return nil, nil, false
		}
		c.KeepControl()
		resp := req.ResponseKind().(*kmsg.CreateTopicsResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewCreateTopicsResponseTopic()
			st.Topic, st.ErrorCode, st.ErrorMessage = rt.Topic, r.Err.Code, &r.Msg
			st.NumPartitions, st.ReplicationFactor = -1, -1
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})

	c.ControlKey(int16(kmsg.CreatePartitions), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		req := kreq.(*kmsg.CreatePartitionsRequest)
		var added int64
		for _, rt := range req.Topics {
			// The run loop serves this call while the control
			// function waits on it.
			if cur := len(c.PartitionInfos(rt.Topic)); int(rt.Count) > cur {
				added += int64(rt.Count) - int64(cur)
			}
		}
		r := kafka.PartitionsIncreaseRefusal(added)
		if r == nil {
			return nil, nil, false
		}
		c.KeepControl()
		resp := req.ResponseKind().(*kmsg.CreatePartitionsResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewCreatePartitionsResponseTopic()
			st.Topic, st.ErrorCode, st.ErrorMessage = rt.Topic, r.Err.Code, &r.Msg
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})

	guardConfigs(c, kmsg.IncrementalAlterConfigs, func(kreq kmsg.Request) []*kafka.Refusal {
		req := kreq.(*kmsg.IncrementalAlterConfigsRequest)
		refused := make([]*kafka.Refusal, len(req.Resources))
		for i, rr := range req.Resources {
			for _, rc := range rr.Configs {
				if refused[i] == nil {
					refused[i] = embeddedConfig(rr.ResourceType, rc.Name, rc.Value, rc.Op == kmsg.IncrementalAlterConfigOpDelete)
				}
			}
		}
		return refused
	}, func(kreq kmsg.Request, refused []*kafka.Refusal) kmsg.Response {
		req := kreq.(*kmsg.IncrementalAlterConfigsRequest)
		resp := req.ResponseKind().(*kmsg.IncrementalAlterConfigsResponse)
		for i, rr := range req.Resources {
			st := kmsg.NewIncrementalAlterConfigsResponseResource()
			st.ResourceType, st.ResourceName = rr.ResourceType, rr.ResourceName
			st.ErrorCode, st.ErrorMessage = refused[i].Err.Code, &refused[i].Msg
			resp.Resources = append(resp.Resources, st)
		}
		return resp
	})
	guardConfigs(c, kmsg.AlterConfigs, func(kreq kmsg.Request) []*kafka.Refusal {
		req := kreq.(*kmsg.AlterConfigsRequest)
		refused := make([]*kafka.Refusal, len(req.Resources))
		for i, rr := range req.Resources {
			for _, rc := range rr.Configs {
				if refused[i] == nil {
					refused[i] = embeddedConfig(rr.ResourceType, rc.Name, rc.Value, false)
				}
			}
		}
		return refused
	}, func(kreq kmsg.Request, refused []*kafka.Refusal) kmsg.Response {
		req := kreq.(*kmsg.AlterConfigsRequest)
		resp := req.ResponseKind().(*kmsg.AlterConfigsResponse)
		for i, rr := range req.Resources {
			st := kmsg.NewAlterConfigsResponseResource()
			st.ResourceType, st.ResourceName = rr.ResourceType, rr.ResourceName
			st.ErrorCode, st.ErrorMessage = refused[i].Err.Code, &refused[i].Msg
			resp.Resources = append(resp.Resources, st)
		}
		return resp
	})
}

// guardConfigs refuses the requests of key in which check finds a config
// change the embedded cluster cannot take (a non-nil refusal of a
// resource): answer then writes the response, given a refusal for every
// resource, as a request's changes are all or nothing here.
func guardConfigs(c *kfake.Cluster, key kmsg.Key, check func(kmsg.Request) []*kafka.Refusal, answer func(kmsg.Request, []*kafka.Refusal) kmsg.Response) {
	c.ControlKey(int16(key), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		refused := check(kreq)
		if !slices.ContainsFunc(refused, func(r *kafka.Refusal) bool { return r != nil }) {
			return nil, nil, false
		}
		c.KeepControl()
		for i, r := range refused {
			if r == nil {
				refused[i] = kafka.Refuse(kerr.InvalidRequest, "Not applied: another resource of the same request was refused.")
			}
		}
		return answer(kreq, refused), nil, true
	})
}

// maxTimerMs is the longest interval, in milliseconds, a Go timer takes.
const maxTimerMs = math.MaxInt64 / int64(time.Millisecond)

// embeddedConfig refuses a broker config change that would stop the
// embedded cluster: kfake runs its log cleaner on a ticker of
// log.cleaner.backoff.ms, which must be positive (Kafka also takes 0), and
// reads offsets.retention.check.interval.ms when it starts, which Kafka
// does not let change at run time. Kafka's words, Kafka's codes.
func embeddedConfig(t kmsg.ConfigResourceType, name string, value *string, del bool) *kafka.Refusal {
	if t != kmsg.ConfigResourceTypeBroker {
		return nil
	}
	switch name {
	case "offsets.retention.check.interval.ms":
		return kafka.Refuse(kerr.InvalidRequest, "Cannot update these configs dynamically: [%s]", name)
	case "log.cleaner.backoff.ms":
		if del || value == nil {
			return nil
		}
		n, err := strconv.ParseInt(*value, 10, 64)
		switch {
		case err != nil:
			return kafka.Refuse(kerr.InvalidRequest, "Invalid value %s for configuration %s: Not a number of type LONG", *value, name)
		case n < 0:
			return kafka.Refuse(kerr.InvalidRequest, "Invalid value %s for configuration %s: Value must be at least 0", *value, name)
		case n == 0:
			return kafka.Refuse(kerr.InvalidRequest, "Invalid value %s for configuration %s: Value must be at least 1 on the embedded cluster", *value, name)
		case n > maxTimerMs:
			return kafka.Refuse(kerr.InvalidRequest, "Invalid value %s for configuration %s: Value must be at most %d on the embedded cluster", *value, name, maxTimerMs)
		}
	}
	return nil
}
