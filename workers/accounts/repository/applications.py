"""Applications: one pending per licence, decided once, credentials marked issued once."""

from __future__ import annotations

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from workers.accounts.model import Application, Decision, IssueMarker
from workers.accounts.queries import APPLICATIONS
from workers.accounts.repository.base import Writer, document


class ApplicationWrites(Writer):
    async def insert_application(self, application: Application) -> bool:
        try:
            await self._db[APPLICATIONS].insert_one(document(application))
        except DuplicateKeyError:  # its own redelivery, or another pending one of the licence
            return False
        return True

    async def application(self, application_id: str) -> Application | None:
        return await self._queries.application(application_id)

    async def decide(self, application_id: str, decision: Decision) -> Application | None:
        """The filter form of `Application.decided`, or the application this decision decided."""
        applications = self._db[APPLICATIONS]
        decided = await applications.find_one_and_update(
            {"_id": application_id, "status": "pending"},
            {"$set": decision.model_dump()},
            return_document=ReturnDocument.AFTER,
        )
        if decided is None:
            mine = {"_id": application_id, "decision_id": decision.decision_id}
            decided = await applications.find_one(mine)
        return None if decided is None else Application.model_validate(decided)

    async def mark_issued(self, application_id: str, marker: IssueMarker) -> bool:
        """The filter form of `Application.issued`, or True when this key was the one issued."""
        applications = self._db[APPLICATIONS]
        marked = await applications.update_one(
            {"_id": application_id, "status": "approved", "credentials_issued": None},
            {"$set": {"credentials_issued": marker.model_dump()}},
        )
        if marked.matched_count == 1:
            return True
        mine = {"_id": application_id, "credentials_issued.key_hash": marker.key_hash}
        return await applications.find_one(mine, {"_id": 1}) is not None
