// The BroadcastChannel a user's pages, flushes and service worker tell each other on: the
// outbox or the synced rows changed, a flush started or ended, the user signed out.

export const channelName = (userId) => `diary-sync-${userId}`;

/** Tell every page of this user (and the worker) that the outbox or the rows changed. */
export function announce(userId, message) {
  const channel = new BroadcastChannel(channelName(userId));
  channel.postMessage(message);
  channel.close();
}
