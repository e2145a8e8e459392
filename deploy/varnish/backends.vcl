# The app servers and who may purge: one gunicorn per app server, two here on loopback.
# Copy this file next to default.vcl on the Varnish host and put your app servers' addresses
# in; `scripts/stack` writes its own with its ports.

probe app_health {
    # A page every app server answers cheaply; four of the last five must pass.
    .url = "/robots.txt";
    .interval = 1s;
    .timeout = 2s;
    .window = 5;
    .threshold = 4;
    .initial = 4;
}

backend app1 {
    .host = "127.0.0.1";
    .port = "8001";
    .probe = app_health;
}

backend app2 {
    .host = "127.0.0.1";
    .port = "8002";
    .probe = app_health;
}

# Only the app servers send purges (Django, after each commit that changes a public page).
acl purgers {
    "127.0.0.1";
}

import directors;

sub vcl_init {
    # Round-robin over the healthy app servers.
    new app_servers = directors.round_robin();
    app_servers.add_backend(app1);
    app_servers.add_backend(app2);
}
