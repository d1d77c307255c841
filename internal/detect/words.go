package detect

import (
	"sync"

	"github.com/leakhound/leakhound/internal/wordset"
)

// wordPass finds the rules whose words a text holds, as containsFold
// would tell for each word: ASCII words in one pass of a wordset
// automaton, others one by one. It serves the rules going by their words
// (byWords; their file keywords) and the Set's shape gate (the literals
// every match of a rule holds).
type wordPass struct {
	rules []*compiledRule
	// words are the rules' distinct words (lower case); ruleOf[w]
	// lists the rules (positions in rules) word w stands for.
	words  [][]byte
	ruleOf [][]int32
	set    *wordset.Set
	// asciiID[i] is the position in words of the automaton's word i;
	// others are the words outside ASCII (positions in words).
	asciiID []int
	others  []int
	scratch sync.Pool
}

type wordScratch struct {
	found []bool
	hit   []bool
}

// newWordPass builds the pass over rules and the words wordsOf gives for
// each, in lower case.
func newWordPass(rules []*compiledRule, wordsOf func(*compiledRule) [][]byte) *wordPass {
	p := &wordPass{rules: rules}
	ids := map[string]int{}
	var ascii [][]byte
	var asciiID []int
	for i, r := range rules {
		for _, k := range wordsOf(r) {
			id, ok := ids[string(k)]
			if !ok {
				id = len(p.words)
				ids[string(k)] = id
				p.words = append(p.words, k)
				p.ruleOf = append(p.ruleOf, nil)
				if isASCII(k) {
					ascii = append(ascii, k)
					asciiID = append(asciiID, id)
				} else {
					p.others = append(p.others, id)
				}
			}
			p.ruleOf[id] = append(p.ruleOf[id], int32(i))
		}
	}
	set, err := wordset.New(ascii)
	if err != nil {
		panic(err) // only ASCII words were given
	}
	// the automaton numbers the ASCII words by their place among them
	p.set = set
	p.asciiID = asciiID
	p.scratch.New = func() any {
		return &wordScratch{found: make([]bool, len(ascii)), hit: make([]bool, len(rules))}
	}
	return p
}

// rulesIn lists, in the engine's order, the rules whose words content holds.
func (p *wordPass) rulesIn(content []byte) []*compiledRule {
	sc := p.scratch.Get().(*wordScratch)
	defer p.scratch.Put(sc)
	clear(sc.found)
	clear(sc.hit)
	anyFound := p.set.Find(content, sc.found) > 0
	for i, ok := range sc.found {
		if ok {
			for _, r := range p.ruleOf[p.asciiID[i]] {
				sc.hit[r] = true
			}
		}
	}
	for _, id := range p.others {
		if containsFold(content, p.words[id]) {
			anyFound = true
			for _, r := range p.ruleOf[id] {
				sc.hit[r] = true
			}
		}
	}
	if !anyFound {
		return nil
	}
	var out []*compiledRule
	for i, ok := range sc.hit {
		if ok {
			out = append(out, p.rules[i])
		}
	}
	return out
}
