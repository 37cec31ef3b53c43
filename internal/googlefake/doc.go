// Package googlefake is an in-memory Google for tests: the OAuth 2.0
// endpoints (token and consent page), the part of Drive v3 that a backup
// tool uses and the part of Sheets v4 that a sync uses, spoken over the same
// wire protocol as the real servers, so that the official Go clients
// (google.golang.org/api/drive/v3 and sheets/v4, golang.org/x/oauth2) can
// talk to it unmodified.
//
// A Server is an http.Handler; run it with httptest and point the client at
// the root URL:
//
//	s := googlefake.New()
//	srv := httptest.NewServer(s)
//	cfg := s.OAuth2Config(srv.URL)
//	hc := cfg.Client(ctx, &oauth2.Token{RefreshToken: googlefake.DefaultRefreshToken})
//	svc, _ := drive.NewService(ctx, option.WithEndpoint(srv.URL+"/drive/v3/"), option.WithHTTPClient(hc))
//	sh, _ := sheets.NewService(ctx, option.WithEndpoint(srv.URL+"/"), option.WithHTTPClient(hc))
//
// Routes, all from the server root:
//
//	POST /token                        OAuth token endpoint (refresh_token, authorization_code)
//	POST /revoke                       token revocation (a refresh or access token, no client auth)
//	GET  /o/oauth2/auth (also /auth)   consent page: redirects at once, there is no human
//	     /drive/v3/files[/ID], /drive/v3/about
//	     /upload/drive/v3/files        multipart, media and resumable uploads
//	     /v4/spreadsheets[/ID[…]]      Sheets: spreadsheets.get/create/batchUpdate,
//	                                   values.get/update/append/clear and their batch forms
//
// Media uploads go to /upload/drive/v3/ on the same host whatever prefix the
// endpoint had, because that is what the Go client does.
//
// Tests script failures per endpoint kind (FailNext, CutNext, CorruptNextMD5,
// SetLatency; KindSheetsWrite covers every Sheets write), seed state
// (AddFile, AddFolder, SetStorageQuota, AddSpreadsheet, SetSheetsQuota, ...)
// and inspect what happened (Requests, Calls, Content, Spreadsheet, Values,
// CellFormat, MaxBodyBytes). Behaviour that Google does not document is
// chosen to be strict and is described on the method that implements it;
// where the fake had to pick, the doc comment says so. Sheets features the
// fake lacks (grid data in spreadsheets.get, merges, charts, …) answer 501.
package googlefake
