// publicroutes.js - the pages residents open without an account: the request form and its
// tracking page. The console's router (router.js) and the public zone's (public.js) both
// take them from here.
export const publicPages = [
	{
		path: '/r',
		name: 'report',
		component: () => import('./pages/requests/ReportPage.vue'),
		meta: { public: true, title: 'report.title' },
	},
	{
		path: '/r/:code',
		name: 'track',
		component: () => import('./pages/requests/TrackPage.vue'),
		meta: { public: true, title: 'track.title' },
	},
];
