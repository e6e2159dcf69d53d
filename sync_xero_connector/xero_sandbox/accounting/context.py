"""What a handler gets: the tenant, the sandbox clock reading, query parameters, pending webhook events."""


class Ctx:
    def __init__(self, tenant, now, params=None, headers=None, base_url=""):
        self.tenant = tenant
        self.now = now
        self.today = now.date()
        self.params = params or {}
        self.headers = headers or {}
        self.base_url = base_url
        self.events = []  # (category, event type, resource id, extra data) for webhooks, sent after commit
        self.seeding = False  # seed loading skips lock-date and archived-contact checks
        self.injected = False  # the answer lists elements planted by Sandbox.inject_raw
        self.unitdp = 4 if str(self.params.get("unitdp", "")).strip() == "4" else 2

    def param(self, name, default=None):
        """Query parameter, case-insensitive name (Xero accepts e.g. pagesize)."""
        if name in self.params:
            return self.params[name]
        lowered = name.lower()
        for key, value in self.params.items():
            if key.lower() == lowered:
                return value
        return default

    def event(self, category, event_type, resource_id, data=None):
        self.events.append((category, event_type, resource_id, data))
