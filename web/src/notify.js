// notify.js - the console's inbox of notifications: the unread count the header's bell
// shows (kept here so the notifications page updates it when it marks some read), and the
// pure helpers of the page.
import { ref } from 'vue';

export const unread = ref(0);

/* the page of the request a notification tells of */
export function notificationLink(n) {
	return n && n.request_id ? '/requests/' + encodeURIComponent(n.request_id) : null;
}

/* the ids of the unread ones among items */
export function unreadIds(items) {
	return (items || []).filter((n) => !n.read_at).map((n) => n.id);
}
