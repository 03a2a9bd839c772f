package tangotest

import (
	"net/http"
	"strings"
)

// route binds a method and a path pattern under /raas/v2 to a handler. Patterns use
// {name} for a path segment ("/orders/{referenceOrderID}"). Each resource file
// contributes its own routes, so new endpoints are added without touching the others.
type route struct {
	method  string
	pattern string
	handle  func(*call)
}

// apiRoutes lists every RaaS endpoint the fake serves.
func (s *Server) apiRoutes() []route {
	var rs []route
	rs = append(rs, s.catalogRoutes()...)
	rs = append(rs, s.customerRoutes()...)
	rs = append(rs, s.accountRoutes()...)
	rs = append(rs, s.orderRoutes()...)
	rs = append(rs, s.referenceRoutes()...)
	rs = append(rs, s.lowBalanceRoutes()...)
	rs = append(rs, s.fundingRoutes()...)
	rs = append(rs, s.lineItemRoutes()...)
	rs = append(rs, s.templateRoutes()...)
	rs = append(rs, s.asyncOrderRoutes()...)
	rs = append(rs, s.webhookRoutes()...)
	return rs
}

func (s *Server) catalogRoutes() []route {
	return []route{{http.MethodGet, "/catalogs", s.handleCatalog}}
}

// match finds the route for a method and a path relative to /raas/v2. The status is
// 0 on success, 404 when no pattern matches and 405 when one matches another method.
func (s *Server) match(method, rel string) (route, map[string]string, int) {
	segs := strings.Split(strings.Trim(rel, "/"), "/")
	if rel == "" || strings.HasSuffix(rel, "/") {
		return route{}, nil, http.StatusNotFound
	}
	status := http.StatusNotFound
	for _, rt := range s.routes {
		params, ok := matchPattern(rt.pattern, segs)
		if !ok {
			continue
		}
		if rt.method != method {
			status = http.StatusMethodNotAllowed
			continue
		}
		return rt, params, 0
	}
	return route{}, nil, status
}

// matchPattern matches path segments against a pattern.
func matchPattern(pattern string, segs []string) (map[string]string, bool) {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	if len(ps) != len(segs) {
		return nil, false
	}
	var params map[string]string
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if segs[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:len(p)-1]] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}
