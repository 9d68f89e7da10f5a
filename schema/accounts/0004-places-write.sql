-- places.write (create, rename, move, retire places, grids and their coverage) for the
-- roles that keep the registry of their place: the town leader, the village party
-- secretary and committee director, and the civil-affairs officer. The system
-- administrator has had it since 0001. Grid workers report changes, they do not keep the
-- registry (a deployment may grant it to them). It lives here, not in schema/places,
-- because role_perms is made by accounts, which applies after places.
INSERT INTO role_perms (role_id, perm) VALUES
	('town_leader', 'places.write'), ('branch_secretary', 'places.write'),
	('committee_director', 'places.write'), ('civil_affairs', 'places.write');
