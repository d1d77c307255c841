package iostreams

import "testing"

func TestColorPolicy(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		mode string
		tty  bool
		env  func(string) string
		want bool
	}{
		{"auto", true, env(), true},
		{"auto", false, env(), false},
		{"auto", true, env("NO_COLOR", "1"), false},
		{"auto", true, env("CLICOLOR", "0"), false},
		{"auto", false, env("CLICOLOR_FORCE", "1"), true},
		{"always", false, env("NO_COLOR", "1"), true},
		{"never", true, env("CLICOLOR_FORCE", "1"), false},
	}
	for _, c := range cases {
		got, err := ColorEnabled(c.mode, c.tty, c.env)
		if err != nil || got != c.want {
			t.Errorf("ColorEnabled(%q, %v) = %v, %v; want %v", c.mode, c.tty, got, err, c.want)
		}
	}
	if _, err := ColorEnabled("rainbow", true, env()); err == nil {
		t.Error("bad mode accepted")
	}
}
