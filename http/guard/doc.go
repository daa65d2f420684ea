// Package guard is what stands before the routes: TLS for https listeners
// (stores reloaded when their files change), authentication (BASIC, BEARER,
// client certificates) and roles, access lists, request rate and flood
// limits, body deadlines, CORS, response headers, and identity
// pass-through's credentials. Each guard is a middleware of its own;
// Guards.Front and Guards.Route chain them in the reference's order.
package guard
