-- Professional associations and research bodies are kinds of organisation, and a patient
-- representative (patientföreträdare) is a role.
ALTER TYPE "OrganisationKind" ADD VALUE 'PROFESSIONAL_ASSOCIATION';
ALTER TYPE "OrganisationKind" ADD VALUE 'RESEARCH_BODY';

ALTER TYPE "MembershipRole" ADD VALUE 'PATIENT_REPRESENTATIVE';
