package google

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/googleapis/gax-go/v2/apierror"
	"google.golang.org/api/googleapi"
)

// Disabled is what Google says of an API that is not enabled in the
// Cloud project of the OAuth client (Classify's ServiceDisabled).
type Disabled struct {
	// API is the API's name ("Google Sheets API"), or its service
	// ("sheets.googleapis.com"); "" when Google named neither.
	API string
	// Project is the project's number; URL the console page that
	// enables the API for it. Either is "" when Google did not say.
	Project, URL string
}

// activation finds the console address in the older message, which
// carries no ErrorInfo.
var activation = regexp.MustCompile(`https://console\.(?:developers|cloud)\.google\.com/apis/api/[^\s"]+`)

// DisabledOf reads what a ServiceDisabled answer says: the ErrorInfo's
// metadata (serviceTitle, consumer "projects/N", activationUrl), else its
// Help link, else the address in the message.
func DisabledOf(err error) Disabled {
	var d Disabled
	var ae *apierror.APIError
	if errors.As(err, &ae) {
		md := ae.Metadata()
		d.API = md["serviceTitle"]
		if d.API == "" {
			d.API = md["service"]
		}
		d.Project = strings.TrimPrefix(md["consumer"], "projects/")
		if d.Project == "" {
			d.Project = md["containerInfo"]
		}
		d.URL = md["activationUrl"]
		if h := ae.Details().Help; d.URL == "" && h != nil {
			for _, l := range h.GetLinks() {
				if l.GetUrl() != "" {
					d.URL = l.GetUrl()
					break
				}
			}
		}
	}
	var ge *googleapi.Error
	if d.URL == "" && errors.As(err, &ge) {
		d.URL = activation.FindString(ge.Message)
	}
	if _, q, ok := strings.Cut(d.URL, "project="); ok && d.Project == "" {
		d.Project, _, _ = strings.Cut(q, "&")
	}
	return d
}

// disabledText says in one line what a ServiceDisabled answer means.
func disabledText(err error) string {
	d := DisabledOf(err)
	api, project := d.API, ""
	if api == "" {
		api = "the API"
	}
	if d.Project != "" {
		project = " " + d.Project
	}
	return fmt.Sprintf("%s is not enabled in the Google Cloud project%s of the OAuth client (Google answered 403 %s)", api, project, Reason(err))
}

// disabledHint says how to enable the API err found not enabled.
func disabledHint(err error) string {
	d := DisabledOf(err)
	api := d.API
	if api == "" {
		api = "the API"
	}
	hint := "enable " + api + " in the Google Cloud project of the OAuth client in GOOGLE_TOKEN_FILE"
	if d.Project != "" {
		hint = "enable " + api + " in Google Cloud project " + d.Project + " (the project of the OAuth client in GOOGLE_TOKEN_FILE)"
	}
	if d.URL != "" {
		hint += ": open " + d.URL + " and press Enable"
	} else {
		hint += ": Google Cloud Console → APIs & Services → Library"
	}
	return hint + "; Google takes a few minutes to notice, then run it again"
}
