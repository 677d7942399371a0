package flows

import (
	"context"
	"errors"
	"fmt"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// TeardownAPI is what removing an app needs besides API.
type TeardownAPI interface {
	API
	DeleteApplication(ctx context.Context, envID, appID string) error
	DeleteUserRoleAssignment(ctx context.Context, envID, userID, raID string) error
}

// TeardownPlan is what teardown will remove: exactly what the ledger says this tool created
// (role assignments it gave users, then the app, whose grants and own roles go with it), never
// what it found already there.
type TeardownPlan struct {
	App    pingone.Application
	Ledger *Ledger
	// Remove lists the deletions in order.
	Remove []LedgerEntry
	// Kept lists what the ledger records but teardown will leave, each with why.
	Kept []string
	// NoLedger is true when this machine holds no ledger: only the app is removed, and only
	// when named by its ID and confirmed.
	NoLedger bool
}

// PlanTeardown reads the app and its ledger and says what teardown would remove. Without a
// ledger, the app alone may be removed, and only when appRef is its ID.
func PlanTeardown(ctx context.Context, env Env, dir, envID, appRef string) (TeardownPlan, error) {
	app, err := findApp(ctx, env.API, envID, appRef)
	if err != nil {
		return TeardownPlan{}, err
	}
	p := TeardownPlan{App: *app}
	l, err := LoadLedger(dir, envID, app.ID)
	switch {
	case errors.Is(err, ErrNoLedger):
		if app.ID != appRef {
			return p, fmt.Errorf("%w: this tool did not create %q here, so it cannot tell what else belongs to it; to remove the app alone, name it by its ID (%s)", ErrNoLedger, app.Name, app.ID)
		}
		p.NoLedger = true
		p.Remove = []LedgerEntry{{Kind: CreatedApplication, ID: app.ID, Name: app.Name}}
		return p, nil
	case err != nil:
		return p, err
	}
	p.Ledger = l
	var appEntry *LedgerEntry
	for _, c := range l.Created {
		switch c.Kind {
		case CreatedUserRoleAssignment:
			if c.ParentID == env.Identity.UserID {
				// Removing it could take away the very role this sign-in is using.
				p.Kept = append(p.Kept, fmt.Sprintf("%s: it is yours, and removing it could leave you without the role you are using", c.Name))
				continue
			}
			p.Remove = append(p.Remove, c)
		case CreatedApplication:
			appEntry = &c
		case CreatedGrant, CreatedAppRoleAssignment, CreatedSignOnPolicyAssignment:
			// They go with the app.
		}
	}
	if appEntry != nil {
		p.Remove = append(p.Remove, *appEntry)
	} else {
		p.Kept = append(p.Kept, fmt.Sprintf("the application %q: this tool did not create it (it was there already)", app.Name))
	}
	return p, nil
}

// Teardown removes what the plan lists, in order. Something already gone (404, or a DELETE whose
// answer was lost and is then gone) counts as removed. Once everything is gone the ledger is
// deleted too.
func Teardown(ctx context.Context, env Env, dir, envID string, p TeardownPlan) ([]Change, error) {
	base := env.API
	if r, ok := base.(*Reads); ok {
		base = r.API
	}
	api, ok := base.(TeardownAPI)
	if !ok {
		return nil, errors.New("this sign-in cannot delete")
	}
	var changes []Change
	for _, c := range p.Remove {
		var err error
		switch c.Kind {
		case CreatedUserRoleAssignment:
			err = api.DeleteUserRoleAssignment(ctx, envID, c.ParentID, c.ID)
		case CreatedApplication:
			err = api.DeleteApplication(ctx, envID, c.ID)
		default:
			continue
		}
		if err != nil && !pingone.IsNotFound(err) {
			return changes, wrap(fmt.Sprintf("remove %s", c.Name), err)
		}
		changes = append(changes, Change{Step: "teardown", Action: Removed, Object: c.Kind + " " + c.Name, Applied: true})
	}
	if p.Ledger != nil {
		// The app is gone: its ledger goes too (what was kept was said before).
		if err := p.Ledger.remove(dir); err != nil {
			return changes, fmt.Errorf("everything is removed, but the ledger could not be: %w", err)
		}
	}
	return changes, nil
}
