package detect

import (
	"os"
	"testing"

	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/source"
)

// BenchmarkEngineGitleaksPack is the engine's scale test: leakhound's
// default rules plus gitleaks' default rule pack (about 220 rules) converted
// with `leakhound rules import-gitleaks`, in one Set, over the same corpus
// as BenchmarkEngine. Point LEAKHOUND_GITLEAKS_PACK at the converted file
// (bench/gitleaks-pack.sh makes it); without it the benchmark is skipped.
func BenchmarkEngineGitleaksPack(b *testing.B) {
	path := os.Getenv("LEAKHOUND_GITLEAKS_PACK")
	if path == "" {
		b.Skip("set LEAKHOUND_GITLEAKS_PACK to a converted gitleaks rule pack (bench/gitleaks-pack.sh)")
	}
	cfg, err := config.Load(config.LoadOptions{File: path})
	if err != nil {
		b.Fatal(err)
	}
	e, err := Compile(cfg.Rules, cfg.Allow, Options{MaxDecodeDepth: 2})
	if err != nil {
		b.Fatal(err)
	}
	corpus := benchCorpus(b)
	before := e.Stats()
	for i := 0; i < b.N; i++ {
		for _, c := range corpus {
			e.Detect(source.Fragment{Path: "f", Content: c})
		}
	}
	after := e.Stats()
	frags := float64(after.Fragments - before.Fragments)
	b.ReportMetric(float64(after.RuleRuns-before.RuleRuns)/frags, "rule-runs/fragment")
	b.ReportMetric(float64(after.SetFallbacks-before.SetFallbacks)/frags, "set-fallbacks/fragment")
	b.ReportMetric(float64(len(cfg.Rules)), "rules")
}
