package state

import (
	"context"
	"errors"
	"testing"

	"github.com/dbbackup/dbbackup"
)

func TestUsers(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	if ok, err := s.HasAdmin(ctx); err != nil || ok {
		t.Fatalf("HasAdmin on an empty store = %v, %v", ok, err)
	}
	if err := s.AddUser(ctx, "zoe", RoleViewer, "$argon2id$zoe"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.HasAdmin(ctx); ok {
		t.Error("a viewer counts as an admin")
	}
	if err := s.AddUser(ctx, "anna@example.com", RoleAdmin, "$argon2id$anna"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.HasAdmin(ctx); !ok {
		t.Error("HasAdmin is false with an admin")
	}
	err := s.AddUser(ctx, "zoe", RoleAdmin, "$argon2id$other")
	if !errors.Is(err, ErrUserExists) {
		t.Errorf("adding zoe twice: %v, want ErrUserExists", err)
	}
	users, err := s.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || users[0].Name != "anna@example.com" || users[0].Role != RoleAdmin || users[1].Name != "zoe" || users[1].Role != RoleViewer {
		t.Fatalf("users = %+v", users)
	}
	if users[1].Created.IsZero() {
		t.Error("no creation time")
	}
	u, hash, ok, err := s.UserHash(ctx, "zoe")
	if err != nil || !ok || hash != "$argon2id$zoe" || u.Role != RoleViewer {
		t.Errorf("UserHash(zoe) = %+v, %q, %v, %v (the second AddUser must not have replaced it)", u, hash, ok, err)
	}
	if _, _, ok, err := s.UserHash(ctx, "nobody"); ok || err != nil {
		t.Errorf("UserHash(nobody) = %v, %v", ok, err)
	}

	if err := s.SetPassword(ctx, "zoe", "$argon2id$new"); err != nil {
		t.Fatal(err)
	}
	if _, hash, _, _ := s.UserHash(ctx, "zoe"); hash != "$argon2id$new" {
		t.Errorf("hash after SetPassword = %q", hash)
	}
	if err := s.SetPassword(ctx, "nobody", "$argon2id$x"); !errors.Is(err, dbbackup.ErrNotFound) {
		t.Errorf("SetPassword(nobody) = %v, want ErrNotFound", err)
	}
	if err := s.SetRole(ctx, "zoe", RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if u, _, _, _ := s.UserHash(ctx, "zoe"); u.Role != RoleAdmin {
		t.Errorf("role after SetRole = %q", u.Role)
	}

	if ok, err := s.RemoveUser(ctx, "zoe"); err != nil || !ok {
		t.Fatalf("RemoveUser(zoe) = %v, %v", ok, err)
	}
	if ok, err := s.RemoveUser(ctx, "zoe"); err != nil || ok {
		t.Errorf("RemoveUser(zoe) again = %v, %v", ok, err)
	}
	if users, _ := s.Users(ctx); len(users) != 1 {
		t.Errorf("users after removal = %+v", users)
	}
}

func TestUserChecks(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	for _, name := range []string{"", "-anna", "an na", "anna\n", "<script>", string(make([]byte, 65))} {
		var ce *dbbackup.ConfigError
		if err := s.AddUser(ctx, name, RoleAdmin, "$argon2id$x"); !errors.As(err, &ce) {
			t.Errorf("AddUser(%q) = %v, want a ConfigError", name, err)
		}
	}
	if err := s.AddUser(ctx, "anna", "root", "$argon2id$x"); err == nil {
		t.Error("role root accepted")
	}
	if err := s.AddUser(ctx, "anna", RoleAdmin, ""); err == nil {
		t.Error("an empty hash accepted")
	}
	if users, _ := s.Users(ctx); len(users) != 0 {
		t.Errorf("refused users were stored: %+v", users)
	}
	if _, err := ParseRole("Admin"); err == nil {
		t.Error("ParseRole accepts Admin: roles are lower case")
	}
	if r, err := ParseRole("viewer"); err != nil || r != RoleViewer {
		t.Errorf("ParseRole(viewer) = %q, %v", r, err)
	}
}
