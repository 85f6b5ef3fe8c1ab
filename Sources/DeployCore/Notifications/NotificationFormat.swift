/// How notifications are written (`DISPATCHER_NOTIFY_FORMAT`).
public enum NotificationFormat: String, Sendable, Hashable, CaseIterable {
    /// Slack's incoming-webhook JSON, `{"text": "…"}` (Mattermost, Rocket.Chat and Discord's `/slack` endpoint
    /// take it too).
    case slack
    /// ``Notification``'s own JSON event (docs/http.md).
    case json
}
