"""Classes: the class list and page, class debates, sides, phases, dashboard, grading, exports."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..domain import class_accounts, class_rules, classes, grading, moderation, visibility
from ..domain.errors import RuleError
from ..domain.permissions import can_create_class, can_moderate_class_topic, can_write, require
from ..extensions import db
from ..forms import EmptyForm
from ..forms.classes import (AnnouncementForm, ClassDebateForm, ClassForm, CriterionForm, ExtensionForm,
                             InstructorForm, JoinForm, SelectChoice, grade_form, phases_form)
from ..models import Article, Classroom, RubricCriterion, Topic, TopicKind, User
from ..pages import class_exports, class_pages
from ..web import caching
from ..web.form_actions import attempt, render_form

bp = Blueprint("classes", __name__, url_prefix="/classes")
DEBATE = "/<int:class_id>/debates/<int:topic_id>"


def _teacher_class(class_id: int) -> Classroom:
    classroom = visibility.get_visible_or_404(current_user, Classroom, class_id)
    require(can_write(current_user) and visibility.is_teacher(current_user, class_id))
    return classroom


def _access(class_id: int, topic_id: int, *, teacher_only: bool = True) -> class_pages.DebateAccess:
    """The class debate at this URL as the reader may reach it (one query): 404 when it
    is not this class's, as for outsiders; 403 for students at an instructor's page."""
    return class_pages.debate_access(current_user, topic_id, teacher_only=teacher_only, class_id=class_id)


def _debate(class_id: int, topic_id: int, *, teacher_only: bool = True) -> class_pages.DebateContext:
    """The same with the class's roster and the page's pseudonyms."""
    return class_pages.context_of(current_user, _access(class_id, topic_id, teacher_only=teacher_only))


def _teacher_debate(class_id: int, topic_id: int) -> class_pages.DebateContext:
    context = _debate(class_id, topic_id)
    require(can_write(current_user))
    return context


# --- Classes and members ----------------------------------------------------------------

@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    form = ClassForm()
    if request.method == "POST":
        require(can_create_class(current_user))
        classroom = attempt(form, lambda: classes.create_class(
            current_user, name=form.name.data, term=form.term.data, description=form.description.data,
            time_zone=form.time_zone.data), field=form.name)
        if classroom:
            return redirect(url_for("classes.show", class_id=classroom.id))
    return render_form("classes/index.html", form, items=class_pages.classes_index(current_user),
                       join_form=JoinForm(formdata=None))


@bp.route("/join", methods=["GET", "POST"])
@login_required
def join():
    form = JoinForm(data={"code": request.args.get("code", "")})
    require(can_write(current_user) or request.method == "GET")
    membership = attempt(form, lambda: classes.join_class(current_user, form.code.data), field=form.code)
    if membership:
        flash(f"Welcome to {membership.classroom.name}.", "success")
        return redirect(url_for("classes.show", class_id=membership.class_id))
    return render_form("classes/join.html", form)


@bp.get("/<int:class_id>")
@login_required
def show(class_id):
    return _class_page(class_id)


def _class_page(class_id: int, status: int = 200, *, instructor_form=None, announcement_form=None):
    """The class page, with a refused form's input and errors where there is one."""
    page = class_pages.class_page(current_user, class_id)
    return render_template(
        "classes/show.html", page=page,
        class_accounts=class_accounts.codes_outstanding(class_id) if page.is_teacher else {},
        instructor_form=InstructorForm(formdata=None) if instructor_form is None else instructor_form,
        announcement_form=AnnouncementForm(formdata=None) if announcement_form is None else announcement_form), status


@bp.post("/<int:class_id>/announcements")
@login_required
def announce(class_id):
    classroom = _teacher_class(class_id)
    form = AnnouncementForm()
    topic = attempt(form, lambda: classes.post_announcement(classroom, current_user, title=form.title.data,
                                                             body=form.body.data, replies=form.replies.data))
    if topic:
        flash("Announced: every member of the class is told.", "success")
        return redirect(url_for("topics.show", topic_id=topic.id))
    return _class_page(class_id, 400, announcement_form=form)


@bp.post("/<int:class_id>/code")
@login_required
def regenerate_code(class_id):
    classroom = _teacher_class(class_id)
    attempt(EmptyForm(), lambda: classes.regenerate_code(classroom),
            done="A new join code is ready; the old one no longer works.")
    return redirect(url_for("classes.show", class_id=class_id))


@bp.post("/<int:class_id>/archive")
@login_required
def archive(class_id):
    classroom = _teacher_class(class_id)
    attempt(EmptyForm(), lambda: classes.archive_class(classroom),
            done="The class is archived: it stays readable, nothing more can be posted.")
    return redirect(url_for("classes.show", class_id=class_id))


@bp.post("/<int:class_id>/students/<int:user_id>/remove")
@login_required
def remove_student(class_id, user_id):
    classroom = _teacher_class(class_id)
    student = db.session.get(User, user_id) or abort(404)
    attempt(EmptyForm(), lambda: classes.remove_student(classroom, student), done=f"{student.username} left the class.")
    return redirect(url_for("classes.show", class_id=class_id))


@bp.post("/<int:class_id>/instructors")
@login_required
def add_instructor(class_id):
    classroom = _teacher_class(class_id)
    form = InstructorForm()
    if attempt(form, lambda: classes.add_instructor(classroom, form.username.data), field=form.username):
        flash(f"{form.username.data.strip()} now teaches this class.", "success")
        return redirect(url_for("classes.show", class_id=class_id))
    return _class_page(class_id, 400, instructor_form=form)


# --- Class debates ------------------------------------------------------------------------

def _public_debates() -> list[Topic]:
    return list(db.session.scalars(select(Topic).where(Topic.kind == TopicKind.DEBATE, Topic.class_id.is_(None))
                                   .order_by(Topic.created_at.desc()).limit(200)))


def _create_debate(classroom: Classroom, form: ClassDebateForm) -> Topic:
    copy_from = db.session.get(Topic, form.copy_from.data) if form.copy_from.data else None
    article = db.session.scalar(select(Article).order_by(Article.created_at, Article.id).limit(1))
    if article is None and copy_from is None:
        raise RuleError("Add an article first: every debate is anchored to one.")
    return classes.create_class_debate(
        classroom, current_user, article, title=form.title.data, body=form.body.data,
        pro_label=form.pro_label.data, con_label=form.con_label.data, anonymous=form.anonymous.data,
        side_mode=form.side_mode.data, side_cap=form.side_cap.data, copy_from=copy_from)


@bp.route("/<int:class_id>/debates/new", methods=["GET", "POST"])
@login_required
def new_debate(class_id):
    classroom = _teacher_class(class_id)
    form = ClassDebateForm()
    form.copy_from.choices = [SelectChoice(0, "— Write a new motion —")] + [
        SelectChoice(t.id, t.title) for t in _public_debates()]
    topic = attempt(form, lambda: _create_debate(classroom, form))
    if topic:
        return redirect(url_for("classes.sides", class_id=class_id, topic_id=topic.id))
    return render_form("classes/debate_new.html", form, classroom=classroom)


@bp.route(DEBATE + "/sides", methods=["GET", "POST"])
@login_required
def sides(class_id, topic_id):
    context = _teacher_debate(class_id, topic_id)
    chosen = {m.user_id: request.form.get(f"side_{m.user_id}") or None for m in context.students}

    def save():
        if "random" in request.form:
            return classes.assign_random(context.topic)
        return classes.set_sides(context.topic, chosen)
    if attempt(EmptyForm(), save, done="Sides saved."):
        return redirect(url_for("classes.sides", class_id=class_id, topic_id=topic_id))
    return render_template("classes/sides.html", context=context, assigned=class_rules.sides_of(context.topic))


@bp.post(DEBATE + "/side")
@login_required
def choose_side(class_id, topic_id):
    context = _debate(class_id, topic_id, teacher_only=False)
    require(can_write(current_user))
    attempt(EmptyForm(), lambda: classes.choose_side(context.topic, context.debate, current_user,
                                                     request.form.get("side", "")), done="Your side is chosen.")
    return redirect(url_for("topics.show", topic_id=topic_id))


@bp.route(DEBATE + "/phases", methods=["GET", "POST"])
@login_required
def phases(class_id, topic_id):
    context = _teacher_debate(class_id, topic_id)
    page = class_pages.phases_page(current_user, topic_id)
    zone = context.classroom.time_zone
    form = phases_form(page.phases, lambda moment: class_rules.in_zone(moment, zone).replace(tzinfo=None))
    entries = {kind: (form[f"{kind}_opens"].data, form[f"{kind}_closes"].data, form[f"{kind}_words"].data)
               for kind in class_rules.PHASE_ORDER}
    if attempt(form, lambda: classes.save_schedule(context.topic, zone, entries), field=form["opening_opens"]):
        flash("Phases saved.", "success")
        return redirect(url_for("classes.phases", class_id=class_id, topic_id=topic_id))
    return render_form("classes/phases.html", form, page=page, extension_form=_extension_form(context, None))


def _extension_form(context, formdata=None) -> ExtensionForm:
    form = ExtensionForm() if formdata else ExtensionForm(formdata=None)
    form.student.choices = [SelectChoice(m.user_id, context.shown(m.user_id, m.user.username))
                            for m in context.students]
    return form


@bp.post(DEBATE + "/extensions")
@login_required
def extend(class_id, topic_id):
    context = _teacher_debate(class_id, topic_id)
    page = class_pages.phases_page(current_user, topic_id)
    form = _extension_form(context, formdata=True)
    zone = context.classroom.time_zone

    def grant():
        phase = page.phases.get(form.phase.data)
        if phase is None:
            raise RuleError("Set that phase's times before extending it.")
        return classes.extend_phase(phase, db.session.get(User, form.student.data),
                                    class_rules.to_utc(form.closes.data, zone))
    if attempt(form, grant, field=form.closes):
        flash("Extension granted.", "success")
        return redirect(url_for("classes.phases", class_id=class_id, topic_id=topic_id))
    return render_form("classes/phases.html", phases_form(page.phases, lambda m: class_rules.in_zone(m, zone)
                                                          .replace(tzinfo=None)),
                       page=page, extension_form=form)


@bp.post(DEBATE + "/lock")
@login_required
def lock(class_id, topic_id):
    context = _teacher_debate(class_id, topic_id)
    require(can_moderate_class_topic(current_user, context.topic))
    # The moderation tools do it, so it is in the audit log like any other lock.
    locked = not context.topic.is_locked
    change = moderation.lock_topic if locked else moderation.unlock_topic
    attempt(EmptyForm(), lambda: change(context.topic, current_user),
            done="Debate locked." if locked else "Debate unlocked.")
    return redirect(url_for("topics.show", topic_id=topic_id))


# --- Dashboard, grading, exports ---------------------------------------------------------

@bp.get(DEBATE + "/dashboard")
@login_required
def dashboard(class_id, topic_id):
    access = _access(class_id, topic_id)  # who may see it: decided before any copy is looked for

    def load():
        return {"topic": access.topic,
                "page": class_pages.dashboard(current_user, topic_id, request.args.get("sort", "name"),
                                             context=class_pages.context_of(current_user, access))}
    return caching.own_page(caching.topic_version(access.topic), "classes/dashboard.html", load, topic=access.topic)


@bp.get(DEBATE + "/grades")
@login_required
def grades(class_id, topic_id):
    _debate(class_id, topic_id)
    return render_form("classes/grades.html", CriterionForm(formdata=None),
                       page=class_pages.grades_overview(current_user, topic_id))


@bp.post(DEBATE + "/rubric")
@login_required
def add_criterion(class_id, topic_id):
    context = _teacher_debate(class_id, topic_id)
    form = CriterionForm()
    if attempt(form, lambda: grading.add_criterion(context.topic, name=form.name.data,
                                                   description=form.description.data,
                                                   max_points=form.max_points.data), field=form.name):
        return redirect(url_for("classes.grades", class_id=class_id, topic_id=topic_id))
    return render_form("classes/grades.html", form, page=class_pages.grades_overview(current_user, topic_id))


@bp.post(DEBATE + "/rubric/<int:criterion_id>/delete")
@login_required
def remove_criterion(class_id, topic_id, criterion_id):
    context = _teacher_debate(class_id, topic_id)
    criterion = db.session.get(RubricCriterion, criterion_id) or abort(404)
    attempt(EmptyForm(), lambda: grading.remove_criterion(context.topic, criterion),
            done=f"“{criterion.name}” removed from the rubric.")
    return redirect(url_for("classes.grades", class_id=class_id, topic_id=topic_id))


@bp.post(DEBATE + "/release")
@login_required
def release(class_id, topic_id):
    context = _teacher_debate(class_id, topic_id)
    released = not context.debate.grades_released
    attempt(EmptyForm(), lambda: grading.set_released(context.debate, released),
            done="Grades released: each student now sees their own." if released else "Grades hidden from students again.")
    return redirect(url_for("classes.grades", class_id=class_id, topic_id=topic_id))


@bp.route(DEBATE + "/grades/<int:student_id>", methods=["GET", "POST"])
@login_required
def grade(class_id, topic_id, student_id):
    _debate(class_id, topic_id)
    page = class_pages.grading_page(current_user, topic_id, student_id)
    form = grade_form(page.rubric, page.grades)
    marks = {c.id: (form[f"points_{c.id}"].data, form[f"comment_{c.id}"].data) for c in page.rubric}
    first = form[f"points_{page.rubric[0].id}"] if page.rubric else None
    require(request.method == "GET" or can_write(current_user))
    if first is not None and attempt(form, lambda: grading.save_grades(page.context.topic, page.student.user, marks),
                                     field=first):
        flash(f"Grades saved for {page.context.shown(student_id, page.student.user.username)}.", "success")
        following = page.next_student if request.form.get("then") == "next" else None
        if following is not None:
            return redirect(url_for("classes.grade", class_id=class_id, topic_id=topic_id,
                                    student_id=following.user_id))
        return redirect(url_for("classes.grades", class_id=class_id, topic_id=topic_id))
    return render_form("classes/grade.html", form, page=page)


def _download(text: str, filename: str, mimetype: str) -> Response:
    return Response(text, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get(DEBATE + "/grades.csv")
@login_required
def grades_csv(class_id, topic_id):
    _debate(class_id, topic_id)
    overview = class_pages.grades_overview(current_user, topic_id)
    return _download(class_exports.grades_csv(overview), f"grades-debate-{topic_id}.csv", "text/csv")


@bp.get(DEBATE + "/participation.csv")
@login_required
def participation_csv(class_id, topic_id):
    page = class_pages.dashboard(current_user, topic_id, context=_debate(class_id, topic_id))
    return _download(class_exports.participation_csv(page), f"participation-debate-{topic_id}.csv", "text/csv")


@bp.get(DEBATE + "/transcript.md")
@login_required
def transcript(class_id, topic_id):
    context = _debate(class_id, topic_id, teacher_only=False)
    text = class_exports.transcript(context, class_pages.transcript_posts(topic_id), current_user)
    return _download(text, f"transcript-debate-{topic_id}.md", "text/markdown")



@bp.app_template_filter("zoned")
def zoned(moment, zone: str) -> str:
    """A UTC moment as wall-clock time in a class's zone."""
    return class_rules.format_in_zone(moment, zone) if moment else ""


@bp.app_template_filter("words")
def words(markdown_source: str) -> int:
    return class_rules.count_words(markdown_source)
