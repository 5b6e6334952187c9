"""Request and response models at the HTTP edge (pydantic lives here only)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ModerateRequest(BaseModel):
    """One text to score."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., description="the ad text (UTF-8)", examples=["暑假初二数学提高班，保证提分30分！"])
    id: str | None = Field(None, description="caller's id, echoed in the result")
    channel: str | None = Field(None, description="where it runs: billboard, sms, app, …")
    policy: str | None = Field(None, description="platform (default), public-channel, regulator-scan")


class BatchItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    id: str | None = None
    channel: str | None = None
    policy: str | None = None


class BatchRequest(BaseModel):
    """Many texts; `policy` applies to items that name none."""

    model_config = ConfigDict(extra="forbid")
    items: list[BatchItem]
    policy: str | None = None


class BatchResponse(BaseModel):
    results: list[dict[str, Any]]


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody
