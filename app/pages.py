"""HTML pages (explorer, event, embed)."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
