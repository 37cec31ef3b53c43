// Package web is `dbbackup serve`: the pages a person opens in a browser
// to see whether their data is safe, start a backup, find a file, connect
// Google and manage jobs and users.
//
// The server is net/http with method+path patterns, html/template and
// assets embedded with go:embed; nothing a page loads comes from another
// machine. Every page but /login and /healthz needs a session; every
// state-changing request is a POST that http.CrossOriginProtection
// checks; the headers forbid inline script and framing.
//
// The pages live one file each (dashboard.go, runs.go, …); each registers
// its routes in its own func called from routes.go, wraps its handlers in
// s.viewer or s.admin, renders with s.render and reports errors with
// s.fail. Templates are templates/NAME.html, each defining "content" for
// the layout; static files are static/, served under names that carry
// their content's hash.
package web
