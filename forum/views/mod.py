"""Moderation: the queue, the actions, the audit log (blueprint `mod`, under /mod),
and the members' side of it: flags, appeals, mutes, messages (blueprint `safety`)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..domain import anonymity, moderation, visibility
from ..domain.accounts import find_user
from ..domain.permissions import (can_appeal_post, can_appeal_topic, can_flag_post, can_flag_topic,
                                  can_manage_watched_words, can_moderate, can_mute, can_suspend_members, require)
from ..extensions import db
from ..forms import EmptyForm
from ..forms.moderation import (AppealForm, FlagForm, ModEditForm, ReasonForm, SlowModeForm, SuspendForm,
                                WarnForm, WatchedWordForm)
from ..models import Appeal, Delta, MemberMessage, Post, Topic, User, WatchedWord
from ..models.moderation import FLAG_REASON_LABELS
from ..pages import mod_pages
from ..pages.csv_export import csv_response
from ..web import caching, limits
from ..web.form_actions import attempt, render_form
from ..web.navigation import page_arg, safe_next

bp = Blueprint("mod", __name__, url_prefix="/mod")
safety = Blueprint("safety", __name__)


@bp.before_request
@login_required
def _moderators_only():
    require(can_moderate(current_user))


# --- The queue and the log -------------------------------------------------------

@bp.get("")
def queue():
    reason, status = mod_pages.queue_filters(request.args.get("reason", ""), request.args.get("status", "open"))
    return caching.own_page(mod_pages.queue_version(), "mod/queue.html", lambda: {
        "page": mod_pages.queue_page(current_user, reason=reason, status=status, page=page_arg(),
                                    per_page=current_app.config["MOD_QUEUE_PER_PAGE"]),
        "form": ReasonForm(), "reason": reason, "status": status, "reasons": FLAG_REASON_LABELS})


def _log_filters() -> mod_pages.LogFilters:
    args = request.args
    action = args.get("action", "")
    return mod_pages.LogFilters(moderator=args.get("moderator", "").strip()[:30],
                               action=action if action in moderation.ACTIONS else "",
                               member=args.get("member", "").strip()[:30])


@bp.get("/log")
def log():
    page = mod_pages.log_page(current_user, _log_filters(), page=page_arg(),
                             per_page=current_app.config["MOD_LOG_PER_PAGE"])
    return render_template("mod/log.html", page=page, actions=moderation.ACTIONS)


@bp.get("/log.csv")
def log_csv():
    rows = ([e.created_at.isoformat(timespec="seconds"), e.actor.username if e.actor else "(automatic)",
             e.action, e.user.username if e.user else "", e.post_id or "", e.topic_id or "",
             e.topic.title if e.topic else "", e.reason] for e in mod_pages.log_rows(current_user, _log_filters()))
    return csv_response("moderation-log.csv", ["time (UTC)", "moderator", "action", "member", "post",
                                                "topic", "topic title", "reason"], rows)


# --- Actions on a post -------------------------------------------------------------

def _post_for_mod(post_id: int) -> Post:
    post = visibility.get_visible_or_404(current_user, Post, post_id)
    require(can_moderate(current_user, post.topic))
    return post


def _post_page(post: Post, status: int = 200, **forms):
    forms.setdefault("form", ReasonForm(formdata=None))
    forms.setdefault("suspend_form", SuspendForm(formdata=None))
    forms.setdefault("warn_form", WarnForm(formdata=None))
    return render_template("mod/post.html", item=mod_pages.queue_item(post), **forms), status


def _act(form, action, back: str, refused_page):
    """Run a moderator action (it logs itself), commit, and go back; a refusal shows
    `refused_page(form)` with the reason and what was typed, and stores nothing."""
    if attempt(form, action, done="Done; it is in the moderation log."):
        return redirect(safe_next(form.next.data, back))
    return refused_page(form)


POST_ACTIONS = {"dismiss": moderation.dismiss_flags, "hide": moderation.hide_post,
                "remove": moderation.remove_post, "restore": moderation.restore_post}


@bp.get("/p/<int:post_id>")
def post(post_id):
    return _post_page(_post_for_mod(post_id))


@bp.post("/p/<int:post_id>/<any(dismiss, hide, remove, restore):action>")
def post_action(post_id, action):
    post = _post_for_mod(post_id)
    form = ReasonForm()
    return _act(form, lambda: POST_ACTIONS[action](post, current_user, form.reason.data),
                url_for("mod.post", post_id=post.id), lambda form: _post_page(post, 400, form=form))


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
def edit(post_id):
    post = _post_for_mod(post_id)
    form = ModEditForm(data={"body": post.body_md})
    if attempt(form, lambda: moderation.edit_post(post, current_user, form.body.data, form.reason.data)):
        flash("Edited; the earlier text stays in the post's history.", "success")
        return redirect(url_for("mod.post", post_id=post.id))
    return render_form("mod/edit.html", form, post=post)


@bp.post("/deltas/<int:delta_id>/revoke")
def revoke_delta(delta_id):
    delta = db.session.get(Delta, delta_id) or abort(404)
    post = _post_for_mod(delta.post_id)
    form = ReasonForm()
    return _act(form, lambda: moderation.revoke_delta(delta, current_user, form.reason.data),
                url_for("mod.post", post_id=post.id), lambda form: _post_page(post, 400, form=form))


# --- Actions on a member ----------------------------------------------------------

def _member_action(user_id: int, form, action, *, site_wide: bool = False):
    member = db.session.get(User, user_id) or abort(404)
    post = db.session.get(Post, int(form.post_id.data)) if (form.post_id.data or "").isdigit() else None
    if post is not None and not visibility.can_see_topic(current_user, post.topic):
        abort(404)
    # A warning is about a post the reader may moderate (an instructor: in their
    # class); a suspension reaches the whole site, so it is the site moderators'.
    require(can_suspend_members(current_user) if site_wide or post is None
            else can_moderate(current_user, post.topic))

    def refused(form):
        if post is None:
            return redirect(url_for("mod.queue"))
        return _post_page(post, 400, **{"warn_form" if isinstance(form, WarnForm) else "suspend_form": form})
    return _act(form, lambda: action(member, post), url_for("mod.queue"), refused)


@bp.post("/u/<int:user_id>/warn")
def warn(user_id):
    form = WarnForm()
    return _member_action(user_id, form, lambda member, post: moderation.warn_member(
        member, current_user, form.reason.data, post))


@bp.post("/u/<int:user_id>/suspend")
def suspend(user_id):
    form = SuspendForm()
    return _member_action(user_id, form, lambda member, post: moderation.suspend_member(
        member, current_user, form.days.data, form.reason.data, post), site_wide=True)


# --- Actions on a topic -------------------------------------------------------------

def _topic_for_mod(topic_id: int) -> Topic:
    topic = visibility.get_visible_or_404(current_user, Topic, topic_id)
    require(can_moderate(current_user, topic))
    return topic


def _topic_page(topic: Topic, status: int = 200, form=None, slow_form=None, text_form=None):
    return render_template("mod/topic.html", topic=topic, item=mod_pages.topic_item(topic),
                           form=form or ReasonForm(formdata=None), text_form=text_form or ReasonForm(formdata=None),
                           slow_form=slow_form or SlowModeForm(formdata=None,
                                                               seconds=topic.slow_mode_seconds or 60)), status


TOPIC_ACTIONS = {"lock": moderation.lock_topic, "unlock": moderation.unlock_topic,
                 "pin": moderation.pin_topic, "unpin": moderation.unpin_topic}


@bp.get("/t/<int:topic_id>")
def topic(topic_id):
    return _topic_page(_topic_for_mod(topic_id))


@bp.post("/t/<int:topic_id>/<any(lock, unlock, pin, unpin):action>")
def topic_action(topic_id, action):
    topic = _topic_for_mod(topic_id)
    form = ReasonForm()
    return _act(form, lambda: TOPIC_ACTIONS[action](topic, current_user, form.reason.data),
                url_for("mod.topic", topic_id=topic.id), lambda form: _topic_page(topic, 400, form=form))


TOPIC_TEXT_ACTIONS = {"dismiss": moderation.dismiss_flags, "hide": moderation.hide_topic,
                      "remove": moderation.remove_topic, "restore": moderation.restore_topic}


@bp.post("/t/<int:topic_id>/text/<any(dismiss, hide, remove, restore):action>")
def topic_text_action(topic_id, action):
    """Flags, hiding, removal and restoring of a topic's opening text, as of a post's."""
    topic = _topic_for_mod(topic_id)
    form = ReasonForm()
    return _act(form, lambda: TOPIC_TEXT_ACTIONS[action](topic, current_user, form.reason.data),
                url_for("mod.topic", topic_id=topic.id), lambda form: _topic_page(topic, 400, text_form=form))


@bp.post("/t/<int:topic_id>/slow-mode")
def slow_mode(topic_id):
    topic = _topic_for_mod(topic_id)
    form = SlowModeForm()
    return _act(form, lambda: moderation.set_slow_mode(topic, current_user, form.seconds.data, form.reason.data),
                url_for("mod.topic", topic_id=topic.id), lambda form: _topic_page(topic, 400, slow_form=form))


# --- Appeals -------------------------------------------------------------------------

@bp.post("/appeals/<int:appeal_id>/<any(uphold, restore):decision>")
def decide_appeal(appeal_id, decision):
    appeal = db.session.get(Appeal, appeal_id) or abort(404)
    form = ReasonForm()

    def decide():
        return moderation.decide_appeal(appeal, current_user, decision == "restore", form.reason.data)
    if appeal.topic_id is not None:
        topic = _topic_for_mod(appeal.topic_id)
        return _act(form, decide, url_for("mod.topic", topic_id=topic.id),
                    lambda form: _topic_page(topic, 400, text_form=form))
    post = _post_for_mod(appeal.post_id)
    return _act(form, decide, url_for("mod.post", post_id=post.id), lambda form: _post_page(post, 400, form=form))


# --- Watched words (admins) --------------------------------------------------------------

def _words():
    return list(db.session.scalars(select(WatchedWord).order_by(WatchedWord.word)))


@bp.route("/words", methods=["GET", "POST"])
def words():
    require(can_manage_watched_words(current_user))
    form = WatchedWordForm()
    if attempt(form, lambda: moderation.add_watched_word(current_user, form.word.data, form.action.data),
               field=form.word):
        flash("Added to the watched words.", "success")
        return redirect(url_for("mod.words"))
    return render_template("mod/words.html", form=form, words=_words()), 400 if form.errors else 200


@bp.post("/words/<int:word_id>/delete")
def delete_word(word_id):
    require(can_manage_watched_words(current_user))
    entry = db.session.get(WatchedWord, word_id) or abort(404)
    attempt(EmptyForm(), lambda: moderation.remove_watched_word(current_user, entry),
            done="Removed from the watched words.")
    return redirect(url_for("mod.words"))


# --- Members: flags, appeals, mutes, messages -----------------------------------------------

@safety.route("/p/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
@limits.flagging
def flag(post_id):
    post = visibility.get_visible_or_404(current_user, Post, post_id)
    require(can_flag_post(current_user, post))
    return _flag(post, moderation.flag_post, url_for("posts.show", post_id=post.id))


@safety.route("/t/<int:topic_id>/flag", methods=["GET", "POST"])
@login_required
@limits.flagging
def flag_topic(topic_id):
    topic = visibility.get_visible_or_404(current_user, Topic, topic_id)
    require(can_flag_topic(current_user, topic))
    return _flag(topic, moderation.flag_topic, url_for("topics.show", topic_id=topic.id))


def _flag(target, verb, back: str):
    """The flag form for a post or a topic's opening text: the same form, rules and page."""
    form = FlagForm()
    if attempt(form, lambda: verb(target, current_user, moderation.parse_reason(form.reason.data), form.note.data),
               field=form.note):
        flash("Thank you: your flag was received. You can follow it under “Your flags”.", "success")
        return redirect(back)
    topic = moderation.topic_of(target)
    return render_template("mod/flag.html", form=form, back=back, topic=topic,
                           post=target if isinstance(target, Post) else None,
                           names=anonymity.names_for_topic(current_user, topic)), 400 if form.errors else 200


@safety.get("/flags")
@login_required
def my_flags():
    return render_template("mod/my_flags.html", flags=moderation.my_flags(current_user))


@safety.route("/p/<int:post_id>/appeal", methods=["GET", "POST"])
@login_required
def appeal(post_id):
    post = visibility.get_visible_or_404(current_user, Post, post_id)
    require(can_appeal_post(current_user, post))
    return _appeal(post, moderation.appeal_removal, url_for("posts.show", post_id=post.id))


@safety.route("/t/<int:topic_id>/appeal", methods=["GET", "POST"])
@login_required
def appeal_topic(topic_id):
    topic = visibility.get_visible_or_404(current_user, Topic, topic_id)
    require(can_appeal_topic(current_user, topic))
    return _appeal(topic, moderation.appeal_topic_removal, url_for("topics.show", topic_id=topic.id))


def _appeal(target, verb, back: str):
    form = AppealForm()
    waits_for = moderation.appeal_waits_for(target)
    noun = "post" if isinstance(target, Post) else "topic"
    if attempt(form, lambda: verb(target, current_user, form.text.data), field=form.text):
        flash(f"Your appeal was sent. It waits for {waits_for}: the moderator who removed the {noun} never decides.",
              "success")
        return redirect(back)
    return render_template("mod/appeal.html", form=form, target=target, noun=noun, back=back,
                           waits_for=waits_for), 400 if form.errors else 200


def _mute_action(username: str, action, done: str):
    person = find_user(username) or abort(404)
    require(can_mute(current_user, person))
    attempt(EmptyForm(), lambda: action(current_user, person), done=done.format(name=person.name))
    return redirect(url_for("users.show", username=person.username))


@safety.post("/u/<username>/mute")
@login_required
def mute(username):
    return _mute_action(username, moderation.mute_member,
                        "{name} is muted: their posts are collapsed for you. They are not told.")


@safety.post("/u/<username>/unmute")
@login_required
def unmute(username):
    return _mute_action(username, moderation.unmute_member, "{name} is no longer muted.")


@safety.post("/messages/<int:message_id>/dismiss")
@login_required
def dismiss_message(message_id):
    message = db.session.get(MemberMessage, message_id)
    if message is None or message.user_id != current_user.id:
        abort(404)
    attempt(EmptyForm(), lambda: moderation.dismiss_message(message, current_user))
    return redirect(safe_next(request.form.get("next")))


@safety.app_context_processor
def _member_messages():
    return {"member_messages": moderation.unread_messages(current_user)}
