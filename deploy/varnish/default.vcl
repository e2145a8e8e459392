# Safety Hub behind Varnish: the README's "Deployment: Varnish in front".
#
# What this file decides, in order of the request's way through Varnish:
#   - PURGE with an `xkey-purge` header, from the app servers only, drops every cached page
#     that names one of those keys in its `xkey` header (Django sends these after each commit
#     that changes what visitors see; settings.FRONTEND_CACHE_PURGE_URLS).
#   - /admin/ and signed-in visitors (a session cookie) go straight to Django, never cached.
#   - Everyone else is anonymous: their cookies are dropped, so one cached copy serves all.
#   - What Django says goes: s-maxage is how long a page is kept; `private`, `no-store` and
#     any Set-Cookie keep a response out of the cache.
#   - Grace: a page is kept past its time (Django's stale-if-error, else an hour) and served
#     from there only while the app servers are down or answer with an error; they are asked
#     again in the background. While they are up, nothing stale is served.
#
# The addresses (backends, the purge ACL and the director) live in backends.vcl next to this
# file (or on vcl_path); `scripts/stack` writes its own, with its ports, into a folder on vcl_path.

vcl 4.1;

import std;
import xkey;

include "backends.vcl";

sub vcl_recv {
    set req.backend_hint = app_servers.backend();
    # Set only by vcl_synth below, on a restart: a client cannot ask for stale pages.
    if (req.restarts == 0) {
        unset req.http.X-Stale-If-Error;
    }

    # Purges by surrogate key. `xkey.purge` drops the objects at once (not softpurge, which
    # would keep serving them as stale during grace: a purge means "outdated now").
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is for the app servers only"));
        }
        if (req.http.xkey-purge) {
            set req.http.purged = xkey.purge(req.http.xkey-purge);
        } elsif (req.http.xkey-softpurge) {
            # For operators: mark pages outdated but keep them for grace (refreshed on the next
            # request, served stale meanwhile). Django never sends this.
            set req.http.purged = xkey.softpurge(req.http.xkey-softpurge);
        } else {
            return (synth(400, "A purge needs an xkey-purge header"));
        }
        return (synth(200, "Purged " + req.http.purged));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        # Forms, sign-in, the admin's saves: straight through, cookies and all.
        return (pass);
    }

    # Staff and the admin: private pages, never cached, cookies kept (session, CSRF).
    if (req.url ~ "^/admin(/|$)" || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }

    # An anonymous visitor: the pages are the same for everyone, whatever cookies they send
    # (analytics, a left-over csrftoken); without them every visitor shares one cached copy.
    unset req.http.Cookie;

    # While an app server is healthy, a page past its time is never served stale: its time
    # ends when a scheduled item goes live (Django caps s-maxage at that moment), and the new
    # page must show from then on. Requests arriving during the refetch wait for it, as one.
    # With no app server healthy, or when they just failed to answer (X-Stale-If-Error), a
    # stale page is served for as long as grace keeps it.
    if (std.healthy(req.backend_hint) && !req.http.X-Stale-If-Error) {
        set req.grace = 0s;
    } else {
        # No limit of ours (req.grace outlives a restart): the page's own grace decides.
        set req.grace = 3650d;
    }
    return (hash);
}

sub vcl_hash {
    # The URL and host, as the built-in hash; nothing per visitor (cookies are gone by now).
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    return (lookup);
}

sub vcl_backend_response {
    # An app server that fails (a 5xx: the database unreachable) must not replace a stale copy.
    # A background refresh keeps the old copy. A visitor's request for a cacheable page is
    # abandoned once, and vcl_synth asks again allowing any stale copy grace still holds.
    if (beresp.status >= 500 && beresp.status != 501) {
        if (bereq.is_bgfetch) {
            return (abandon);
        }
        if (!bereq.uncacheable && !bereq.http.X-Stale-If-Error) {
            return (abandon);
        }
    }

    # Nothing personal is ever shared: a cookie being set, or Django saying private/no-store
    # (staff, previews, forms). Remembered as "don't cache" for a while so requests for that
    # URL are not queued behind each other (hit-for-miss).
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)"
        || beresp.http.Vary == "*") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }

    # Errors are Django's own to repeat (its 503 carries Retry-After): not kept.
    if (beresp.status >= 500) {
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }

    # beresp.ttl already follows Django's s-maxage (else max-age). Grace: how long past that a
    # page may still be served, stale, while the app servers are down (see vcl_recv): Django's
    # stale-if-error, else an hour.
    if (beresp.http.Cache-Control ~ "stale-if-error=\d+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, ".*stale-if-error=(\d+).*", "\1s"), 1h);
    } else {
        set beresp.grace = 1h;
    }
    return (deliver);
}

sub vcl_backend_error {
    # No app server answered. A background refresh leaves the stale copy in place; a visitor's
    # first try goes back through vcl_synth for a stale copy, as above.
    if (bereq.is_bgfetch || (!bereq.uncacheable && !bereq.http.X-Stale-If-Error)) {
        return (abandon);
    }
    # Nothing stale to give either: a plain page saying to come back, like Django's own 503.
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Retry-After = "30";
    set beresp.http.Cache-Control = "no-store";
    set beresp.body = {"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Safety Hub is unavailable</title></head>
<body><h1>Safety Hub is briefly unavailable</h1><p>Please try again in a minute.</p></body></html>
"};
    return (deliver);
}

sub vcl_synth {
    # A fetch abandoned above: ask once more, now taking a stale copy if grace holds one (if
    # not, the app server's own error page is passed on, or the one of vcl_backend_error).
    if (resp.status == 503 && req.restarts == 0 && (req.method == "GET" || req.method == "HEAD")) {
        set req.http.X-Stale-If-Error = "1";
        return (restart);
    }
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
    if (resp.status == 503) {
        set resp.http.Retry-After = "30";
    }
}

sub vcl_deliver {
    # The surrogate keys are for Varnish only; a debug header says whether this was a hit.
    unset resp.http.xkey;
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0 && obj.ttl < 0s) {
        # Past its time: served from grace.
        set resp.http.X-Cache = "HIT-STALE";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
