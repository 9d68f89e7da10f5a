// modules.js - the one list of the console's modules: each one's sidebar entry and pages.
//
// A module adds an object here (see docs/internals/web.md): `menu` is its sidebar entry
// (label: an i18n key; perm: shown only to users holding it; icon: a name in AppIcon.vue),
// `routes` are vue-router routes under the signed-in layout, each page loaded lazily.
// `meta.perm` makes the layout show "no access" instead of the page; `meta.title` is the
// i18n key of the page's title.

export const modules = [
	{
		id: 'home',
		menu: { label: 'nav.home', icon: 'home', to: '/', exact: true },
		routes: [{ path: '', name: 'home', component: () => import('./pages/HomePage.vue'), meta: { title: 'nav.home' } }],
	},
	{
		id: 'places',
		menu: { label: 'nav.places', icon: 'place', to: '/places', perm: 'places.read' },
		routes: [
			{
				path: 'places',
				name: 'places',
				component: () => import('./pages/PlacesPage.vue'),
				meta: { title: 'nav.places', perm: 'places.read' },
			},
			{
				path: 'places/:id',
				name: 'place',
				component: () => import('./pages/PlacePage.vue'),
				meta: { title: 'place.one', perm: 'places.read', menu: 'places' },
			},
		],
	},
	{
		id: 'people',
		menu: { label: 'nav.people', icon: 'person', to: '/people', perm: 'people.read' },
		routes: [
			{
				path: 'people',
				name: 'people',
				component: () => import('./pages/PeoplePage.vue'),
				meta: { title: 'nav.people', perm: 'people.read' },
			},
			{
				path: 'people/:id',
				name: 'person',
				component: () => import('./pages/PersonPage.vue'),
				meta: { title: 'person.title', perm: 'people.read', menu: 'people' },
			},
			{
				path: 'tags',
				name: 'tags',
				component: () => import('./pages/TagsPage.vue'),
				meta: { title: 'tags.title', perm: 'people.read', menu: 'people' },
			},
		],
	},
	{
		id: 'households',
		menu: { label: 'nav.households', icon: 'household', to: '/households', perm: 'people.read' },
		routes: [
			{
				path: 'households',
				name: 'households',
				component: () => import('./pages/HouseholdsPage.vue'),
				meta: { title: 'nav.households', perm: 'people.read' },
			},
			{
				path: 'households/new',
				name: 'household-new',
				component: () => import('./pages/HouseholdNewPage.vue'),
				meta: { title: 'households.new', perm: 'people.write', menu: 'households' },
			},
			{
				path: 'households/:id',
				name: 'household',
				component: () => import('./pages/HouseholdPage.vue'),
				meta: { title: 'household.title', perm: 'people.read', menu: 'households' },
			},
		],
	},
	{
		id: 'orgs',
		menu: { label: 'nav.orgs', icon: 'org', to: '/orgs', perm: 'people.read' },
		routes: [
			{
				path: 'orgs',
				name: 'orgs',
				component: () => import('./pages/OrgsPage.vue'),
				meta: { title: 'nav.orgs', perm: 'people.read' },
			},
			{
				path: 'orgs/new',
				name: 'org-new',
				component: () => import('./pages/OrgNewPage.vue'),
				meta: { title: 'orgs.new', perm: 'people.write', menu: 'orgs' },
			},
			{
				path: 'orgs/:id',
				name: 'org',
				component: () => import('./pages/OrgPage.vue'),
				meta: { title: 'org.title', perm: 'people.read', menu: 'orgs' },
			},
		],
	},
	{
		id: 'users',
		menu: { label: 'nav.users', icon: 'users', to: '/users', perm: 'accounts.users.read' },
		routes: [
			{
				path: 'users',
				name: 'users',
				component: () => import('./pages/UsersPage.vue'),
				meta: { title: 'nav.users', perm: 'accounts.users.read' },
			},
			{
				path: 'users/new',
				name: 'user-new',
				component: () => import('./pages/UserNewPage.vue'),
				meta: { title: 'users.new', perm: 'accounts.users.write', menu: 'users' },
			},
			{
				path: 'users/:id',
				name: 'user',
				component: () => import('./pages/UserPage.vue'),
				meta: { title: 'user.title', perm: 'accounts.users.read', menu: 'users' },
			},
		],
	},
	{
		id: 'audit',
		menu: { label: 'nav.audit', icon: 'audit', to: '/audit', perm: 'audit.read' },
		routes: [
			{
				path: 'audit',
				name: 'audit',
				component: () => import('./pages/AuditPage.vue'),
				meta: { title: 'nav.audit', perm: 'audit.read' },
			},
		],
	},
	{
		id: 'diagram',
		routes: [
			{
				path: 'places/:id/diagram',
				name: 'place-diagram',
				component: () => import('./pages/DiagramPage.vue'),
				meta: { title: 'diagram.title', perm: 'people.read', menu: 'places' },
			},
			{
				path: 'places/:id/houses',
				name: 'place-houses',
				component: () => import('./pages/DiagramPage.vue'),
				meta: { title: 'diagram.houses_title', perm: 'people.read', menu: 'places' },
			},
		],
	},
	{
		id: 'duties',
		menu: { label: 'nav.duties', icon: 'chain', to: '/duties', perm: 'duties.read' },
		routes: [
			{
				path: 'duties',
				name: 'duties',
				component: () => import('./pages/duties/DutiesPage.vue'),
				meta: { title: 'duties.title', perm: 'duties.read' },
			},
			{
				path: 'duties/coverage',
				name: 'duty-coverage',
				component: () => import('./pages/duties/CoveragePage.vue'),
				meta: { title: 'coverage.title', perm: 'duties.read', menu: 'duties' },
			},
			{
				path: 'duties/orgchart/:id',
				name: 'duty-orgchart',
				component: () => import('./pages/duties/OrgChartPage.vue'),
				meta: { title: 'duties.orgchart', perm: 'duties.read', menu: 'duties' },
			},
			{
				path: 'duties/roster/:id',
				name: 'duty-roster',
				component: () => import('./pages/duties/RosterPage.vue'),
				meta: { title: 'roster.title', perm: 'duties.read', menu: 'duties' },
			},
			{
				path: 'duties/:id/households',
				name: 'duty-households',
				component: () => import('./pages/duties/DutyHouseholdsPage.vue'),
				meta: { title: 'duty.households', perm: 'duties.read', menu: 'duties' },
			},
		],
	},
	{
		id: 'requests',
		menu: { label: 'nav.requests', icon: 'request', to: '/requests', perm: 'requests.read' },
		routes: [
			{
				path: 'requests',
				name: 'requests',
				component: () => import('./pages/requests/InboxPage.vue'),
				meta: { title: 'inbox.title', perm: 'requests.read' },
			},
			{
				path: 'requests/new',
				name: 'request-new',
				component: () => import('./pages/requests/RequestNewPage.vue'),
				meta: { title: 'requestnew.title', perm: 'requests.handle', menu: 'requests' },
			},
			{
				path: 'requests/rates',
				name: 'request-rates',
				component: () => import('./pages/requests/RatesPage.vue'),
				meta: { title: 'rates.title', perm: 'requests.read', menu: 'requests' },
			},
			{
				path: 'requests/categories',
				name: 'request-categories',
				component: () => import('./pages/requests/CategoriesPage.vue'),
				meta: { title: 'categories.title', perm: 'requests.admin', menu: 'requests' },
			},
			{
				path: 'requests/:id',
				name: 'request',
				component: () => import('./pages/requests/RequestPage.vue'),
				meta: { title: 'request.one', perm: 'requests.read', menu: 'requests' },
			},
		],
	},
	{
		// a resident's own requests (role resident: requests.submit over their place)
		id: 'my-requests',
		menu: { label: 'nav.my_requests', icon: 'request', to: '/my-requests', perm: 'requests.submit' },
		routes: [
			{
				path: 'my-requests',
				name: 'my-requests',
				component: () => import('./pages/requests/MyRequestsPage.vue'),
				meta: { title: 'mine.title', perm: 'requests.submit' },
			},
			{
				path: 'my-requests/:id',
				name: 'my-request',
				component: () => import('./pages/requests/MyRequestPage.vue'),
				meta: { title: 'mine.one', perm: 'requests.submit', menu: 'my-requests' },
			},
		],
	},
	{
		id: 'notifications',
		routes: [
			{
				path: 'notifications',
				name: 'notifications',
				component: () => import('./pages/NotificationsPage.vue'),
				meta: { title: 'notify.title' },
			},
		],
	},
	{
		id: 'export-templates',
		menu: { label: 'nav.templates', icon: 'download', to: '/export-templates', perm: 'people.read' },
		routes: [
			{
				path: 'export-templates',
				name: 'export-templates',
				component: () => import('./pages/TemplatesPage.vue'),
				meta: { title: 'template.title', perm: 'people.read' },
			},
		],
	},
	{
		id: 'account',
		routes: [
			{
				path: 'account/password',
				name: 'password',
				component: () => import('./pages/PasswordPage.vue'),
				meta: { title: 'password.title' },
			},
		],
	},
	{
		id: 'imports',
		menu: { label: 'nav.imports', icon: 'upload', to: '/imports', perm: 'people.write' },
		routes: [
			{
				path: 'imports',
				name: 'imports',
				component: () => import('./pages/ImportsPage.vue'),
				meta: { title: 'nav.imports', perm: 'people.write' },
			},
			{
				path: 'imports/new',
				name: 'import-new',
				component: () => import('./pages/ImportPage.vue'),
				meta: { title: 'imports.title', perm: 'people.write', menu: 'imports' },
			},
			{
				path: 'imports/:id',
				name: 'import',
				component: () => import('./pages/ImportPage.vue'),
				meta: { title: 'imports.title', perm: 'people.write', menu: 'imports' },
			},
		],
	},
];

/* The sidebar entries, in the order above. */
export const menu = modules.filter((m) => m.menu).map((m) => ({ id: m.id, ...m.menu }));

/* Every module's routes. */
export const moduleRoutes = modules.flatMap((m) => m.routes || []);
