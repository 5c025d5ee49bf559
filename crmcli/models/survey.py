"""Surveys (客户需求调查表, 满意度调查): questionnaires, and each customer's answers."""

from sqlalchemy import Index

from crmcli.models.base import Field, Optional, SQLModel, Stamped, datetime, fk, moment, text


class Survey(Stamped, table=True):
    """调查问卷: a questionnaire, named by its title or id."""

    __tablename__ = "survey"

    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = Field(max_length=200, unique=True)
    description: Optional[str] = text(2000)
    created_by: Optional[int] = fk("app_user.id")


class SurveyQuestion(SQLModel, table=True):
    """One question of a survey: scale (1-5), nps (0-10), single, multiple or text."""

    __tablename__ = "survey_question"
    __table_args__ = (
        Index("ux_survey_question_survey_position", "survey_id", "position", unique=True),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id")
    position: int
    kind: str = Field(max_length=20)
    text: str = Field(max_length=500)
    #: the choices of a single or multiple choice question, joined by "|"
    choices: Optional[str] = Field(default=None, max_length=2000)


class SurveyResponse(Stamped, table=True):
    """答卷: one customer's answers to a survey (one per customer and survey)."""

    __tablename__ = "survey_response"
    __table_args__ = (
        Index("ux_survey_response_survey_customer", "survey_id", "customer_id", unique=True),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id")
    customer_id: int = Field(foreign_key="customer.id", index=True)
    contact_id: Optional[int] = fk("contact.id")
    answered_at: datetime = moment(required=True)
    recorded_by: Optional[int] = fk("app_user.id")


class SurveyAnswer(SQLModel, table=True):
    """One answer of a response: the value as text (a number, a choice, choices joined by
    "|", or what the customer wrote)."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        Index("ux_survey_answer_response_question", "response_id", "question_id", unique=True),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="survey_response.id")
    question_id: int = Field(foreign_key="survey_question.id", index=True)
    value: str = Field(max_length=2000)
