"""Starting a rotation: doctor, the membership and board plan, the briefing."""
