package email

import (
	"context"
	"fmt"
	"strings"
)

// SendTest sends a short message to the recipients, over the same
// connection, encryption and login as a report: the settings page's "send
// a test email", which proves more than a greeting does (that the server
// takes the sender and every recipient). Errors carry a hint as Notify's
// do. about names the job the settings are of.
func (n *Notifier) SendTest(ctx context.Context, about string) error {
	subject := "dbbackup: test email (" + about + ")"
	text := fmt.Sprintf("This is a test email from dbbackup, sent from its settings page.\n\n"+
		"The reports of job %s go to %s through %s, from %s. This one arrived, so they will too.\n",
		about, strings.Join(n.cfg.To, ", "), n.Addr(), n.cfg.From)
	if err := n.send(ctx, subject, text, ""); err != nil {
		return err
	}
	n.log.Info("test email sent", "server", n.Addr(), "to", strings.Join(n.cfg.To, ", "))
	return nil
}
