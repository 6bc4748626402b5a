"""One blueprint per area; views are thin: they parse the request, call a domain
verb or a page builder, and answer."""
from . import (admin, articles, auth, class_accounts, classes, debates, feeds, home, live, mod, notifications, posts,
               quotes, search, settings, topics, users)

BLUEPRINTS = (home.bp, auth.bp, articles.bp, topics.bp, posts.bp, users.bp, debates.bp, classes.bp, class_accounts.bp,
              mod.bp, mod.safety, search.bp, notifications.bp, settings.bp, feeds.bp, live.bp, admin.bp, quotes.bp)
