package examples

import (
	"testing"

	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/detect"
)

func TestDefaultRuleExamples(t *testing.T) {
	cfg, err := config.Load(config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := detect.Compile(cfg.Rules, cfg.Allow, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	results := Run(e)
	if len(results) != len(cfg.Rules) {
		t.Fatalf("%d results for %d rules", len(results), len(cfg.Rules))
	}
	for _, r := range results {
		for _, f := range r.Failures {
			t.Errorf("%s: %s", r.RuleID, f)
		}
		if r.Passed == 0 {
			t.Errorf("%s: no example passed", r.RuleID)
		}
	}
}
