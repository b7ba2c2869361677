"""Every write of the customs domain: parties, declarations, the clearance trail, bulk import."""
