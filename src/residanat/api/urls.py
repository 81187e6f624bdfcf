from ninja import NinjaAPI

api = NinjaAPI(title="residanat", version="1", urls_namespace="api")
