package flows

// Next is the index of the first step from i on that applies: an interactive-only step applies
// only when env.Interactive, and a step whose Skip says so does not. It is len(steps) when none
// is left. The wizard's screen, its line-by-line form and Run all move through the steps with it.
func Next(steps []Step, i int, env Env, s *State) int {
	for ; i < len(steps); i++ {
		st := steps[i]
		if st.Interactive && !env.Interactive {
			continue
		}
		if st.Skip != nil && st.Skip(s) {
			continue
		}
		break
	}
	return i
}
