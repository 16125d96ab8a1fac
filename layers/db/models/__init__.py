"""GeoAlchemy2 models for every table. All geometries are EPSG:4326 with GiST indexes.

Personal data lives in the `private` schema, which no public endpoint reads.
"""
from layers.db.models.accounts import ApiToken, User, WebSession
from layers.db.models.admin import AdminUnit, Village
from layers.db.models.agriculture import AgriZone, Cooperative, GrowingArea, GrowingAreaPrivate, OcopProduct
from layers.db.models.base import Base, metadata
from layers.db.models.history import ChangeHistory, CodeCounter, ImportRun, LayerVersion
from layers.db.models.lots import HarvestLot, HarvestLotArea, HarvestLotPrivate
from layers.db.models.households import Household, HouseholdPrivate
from layers.db.models.rasters import Raster, RasterZonalStat
from layers.db.models.scans import LotScan, ScanSalt, ScanSeen
from layers.db.models.ntm import NtmAssessment, NtmAssessmentCriterion, NtmCriteriaSet, NtmCriterion
from layers.db.models.tourism import TourismEvent, TourismPlace, TourismRoute

# Tables whose every change is recorded in change_history (and bumps layer_versions).
EDITABLE_TABLES = [
    AdminUnit.__table__, Village.__table__, Household.__table__, HouseholdPrivate.__table__,
    GrowingArea.__table__, GrowingAreaPrivate.__table__, Cooperative.__table__, AgriZone.__table__, OcopProduct.__table__,
    TourismPlace.__table__, TourismRoute.__table__, TourismEvent.__table__, NtmCriteriaSet.__table__,
    NtmCriterion.__table__, NtmAssessment.__table__, NtmAssessmentCriterion.__table__,
    HarvestLot.__table__, HarvestLotArea.__table__, HarvestLotPrivate.__table__,
]

__all__ = [
    "AdminUnit", "AgriZone", "ApiToken", "Base", "ChangeHistory", "CodeCounter", "Cooperative",
    "EDITABLE_TABLES", "GrowingArea", "GrowingAreaPrivate", "HarvestLot", "HarvestLotArea",
    "HarvestLotPrivate", "Household", "HouseholdPrivate", "ImportRun",
    "LayerVersion", "LotScan", "NtmAssessment", "NtmAssessmentCriterion", "NtmCriteriaSet", "NtmCriterion",
    "OcopProduct", "Raster", "RasterZonalStat", "ScanSalt", "ScanSeen", "TourismEvent", "TourismPlace", "TourismRoute", "User", "Village", "WebSession", "metadata",
]
