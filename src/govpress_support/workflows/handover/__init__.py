"""Ending a rotation: plan, journaled apply, notes, report, unpushed git work."""
