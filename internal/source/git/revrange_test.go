package git

import (
	"reflect"
	"testing"
)

func TestParseRevArgs(t *testing.T) {
	cases := []struct {
		args []string
		want RevSpec
		err  bool
	}{
		{nil, RevSpec{}, false},
		{[]string{"main"}, RevSpec{Include: []string{"main"}}, false},
		{[]string{"origin/main..HEAD"}, RevSpec{Include: []string{"HEAD"}, Exclude: []string{"origin/main"}}, false},
		{[]string{"..feature"}, RevSpec{Include: []string{"feature"}, Exclude: []string{"HEAD"}}, false},
		{[]string{"a...b"}, RevSpec{Symmetric: [][2]string{{"a", "b"}}}, false},
		{[]string{"^v1", "v2"}, RevSpec{Include: []string{"v2"}, Exclude: []string{"v1"}}, false},
		{[]string{".."}, RevSpec{}, true},
		{[]string{"a..b..c"}, RevSpec{}, true},
		{[]string{"a...b..c"}, RevSpec{}, true},
		{[]string{"^"}, RevSpec{}, true},
		{[]string{"--all"}, RevSpec{}, true},
		{[]string{"a b"}, RevSpec{}, true},
		{[]string{""}, RevSpec{}, true},
	}
	for _, c := range cases {
		got, err := ParseRevArgs(c.args)
		if (err != nil) != c.err {
			t.Errorf("%q: err = %v", c.args, err)
			continue
		}
		if !c.err && !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %+v, want %+v", c.args, got, c.want)
		}
	}
}

func FuzzParseRevArgs(f *testing.F) {
	for _, s := range []string{"main", "a..b", "a...b", "^x", "..", "HEAD~3..HEAD", "v1.0^{commit}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := ParseRevArgs([]string{s})
		if err != nil {
			return
		}
		for _, r := range append(append([]string{}, spec.Include...), spec.Exclude...) {
			if r == "" {
				t.Fatalf("%q gave an empty revision", s)
			}
		}
		for _, p := range spec.Symmetric {
			if p[0] == "" || p[1] == "" {
				t.Fatalf("%q gave an empty side", s)
			}
		}
	})
}
