"""API views of `remuneration`: one class per operation, nested Input/Output serializers."""
