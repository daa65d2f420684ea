// Package rest is the plumbing every route of the API shares: a Route and
// the Call its handler serves, content negotiation, the request body and
// its limits, answers in the reference's error model, absolute URLs and
// crn:// resource names, and the request log and metrics. An API turns a
// Route into an http.Handler; the guards answer their refusals through it.
package rest
